using System.Text.Json;
using System.Text.Json.Serialization;

namespace Strata.Client.Contracts;

/// <summary>Source-generated (de)serialisation of the wire contracts: no reflection at run time.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SigningKeyDocument))]
[JsonSerializable(typeof(SnapshotDocument))]
[JsonSerializable(typeof(ChangeEvent))]
[JsonSerializable(typeof(HeartbeatEvent))]
[JsonSerializable(typeof(ResetEvent))]
[JsonSerializable(typeof(ClosingEvent))]
[JsonSerializable(typeof(ConsumerReport))]
[JsonSerializable(typeof(ConsumerListing))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
