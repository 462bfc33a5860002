namespace Strata.Ui.History;

/// <summary>One key a revision changed: at which scope, and whether it was set or reset.</summary>
internal sealed record NamespaceKeyChange(string Key, string Scope, string Change);
