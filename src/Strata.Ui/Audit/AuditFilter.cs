namespace Strata.Ui.Audit;

/// <summary>What the audit page is filtered by; times are Unix milliseconds (UTC), each filter null when not given.</summary>
internal sealed record AuditFilter(string? Actor, string? Namespace, string? Action, long? From, long? To);
