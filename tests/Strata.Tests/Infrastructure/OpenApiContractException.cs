namespace Strata.Tests.Infrastructure;

/// <summary>An answer the served OpenAPI document does not allow: fails the test that made the request.</summary>
public sealed class OpenApiContractException(string message) : Exception(message);
