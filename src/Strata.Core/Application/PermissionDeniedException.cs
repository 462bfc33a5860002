namespace Strata.Application;

/// <summary>The caller lacks a permission the command needs; the refusal is already audited and nothing was done.</summary>
internal sealed class PermissionDeniedException(string permission, string ns) : Exception($"This needs {permission} on '{ns}'.")
{
    public string Permission { get; } = permission;
    public string Namespace { get; } = ns;
}
