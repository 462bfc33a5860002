namespace Strata.Client.Contracts;

/// <summary>What a consumer reports it has applied: the body of <c>PUT /api/v1/consumers/{instance}</c>.</summary>
/// <param name="Revision">The last revision the consumer applied.</param>
public sealed record ConsumerReport(long Revision);
