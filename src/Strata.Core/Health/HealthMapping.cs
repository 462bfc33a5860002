namespace Strata.Health;

/// <summary>Whether the host mapped Strata's health endpoints, so the OpenAPI document lists them only then.</summary>
internal sealed class HealthMapping
{
    public bool Mapped { get; set; }
}
