namespace Strata.Access;

/// <summary>The permissions a grant can give.</summary>
internal static class Permission
{
    public const string Read = "config.read";
    public const string Write = "config.write";
    public const string Reveal = "secrets.reveal";
    public const string Admin = "admin";

    public static readonly string[] All = [Read, Write, Reveal, Admin];
}

/// <summary>
/// A permission on a namespace pattern: <c>*</c> (every namespace), <c>billing</c> (exactly), or <c>billing.*</c>
/// (every namespace under <c>billing.</c>). Written <c>permission:pattern</c>, e.g. <c>config.write:billing.*</c>.
/// <c>admin</c> implies every other permission on its pattern.
/// </summary>
internal sealed record Grant(string Permission, string Pattern)
{
    public bool Gives(string permission, string ns) =>
        (Permission == permission || Permission == Access.Permission.Admin) && Covers(ns);

    public bool Gives(string permission) => Permission == permission || Permission == Access.Permission.Admin;

    public bool Covers(string ns) => Pattern switch
    {
        "*" => true,
        _ when Pattern.EndsWith(".*", StringComparison.Ordinal) =>
            ns.Length > Pattern.Length - 1 && ns.StartsWith(Pattern[..^1], StringComparison.OrdinalIgnoreCase),
        _ => Pattern.Equals(ns, StringComparison.OrdinalIgnoreCase),
    };

    public override string ToString() => $"{Permission}:{Pattern}";

    /// <summary>Parses <c>permission:pattern</c> (pattern defaults to <c>*</c>); null and a reason when malformed.</summary>
    public static Grant? TryParse(string text, out string? error)
    {
        error = null;
        var colon = text.IndexOf(':');
        var permission = colon < 0 ? text : text[..colon];
        var pattern = colon < 0 ? "*" : text[(colon + 1)..];
        if (!Access.Permission.All.Contains(permission))
        {
            error = $"Unknown permission '{permission}' in '{text}'; use {string.Join(", ", Access.Permission.All)}.";
            return null;
        }
        var name = pattern.EndsWith(".*", StringComparison.Ordinal) ? pattern[..^2] : pattern;
        if (pattern != "*" && !Naming.Names.IsValid(name))
        {
            error = $"Namespace pattern '{pattern}' in '{text}' is not valid; use *, a namespace, or namespace.*.";
            return null;
        }
        return new Grant(permission, pattern);
    }
}
