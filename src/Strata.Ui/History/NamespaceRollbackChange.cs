namespace Strata.Ui.History;

/// <summary>One override a namespace rollback would change, from its value now to the value it had then.</summary>
internal sealed record NamespaceRollbackChange(string Key, string Scope, ValueDiff Diff);
