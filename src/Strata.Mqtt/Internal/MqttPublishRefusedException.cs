namespace Strata.Mqtt;

/// <summary>The broker answered a publish with a failure reason (not authorised for the topic, quota): retried like an outage.</summary>
internal sealed class MqttPublishRefusedException(string topic, string reason)
    : Exception($"The broker refused to publish {topic}: {reason}.");
