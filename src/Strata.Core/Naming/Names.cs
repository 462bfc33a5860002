using System.Buffers;

namespace Strata.Naming;

/// <summary>Rules for namespace and key names: letters, digits, '_', '-', '.', starting with a letter or digit.</summary>
internal static class Names
{
    public const int MaxLength = 128;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.");

    /// <summary>Names compare case-insensitively so that two spellings can never be two settings.</summary>
    public static readonly StringComparer Comparer = StringComparer.OrdinalIgnoreCase;

    public static bool IsValid(ReadOnlySpan<char> name) =>
        name.Length is > 0 and <= MaxLength
        && char.IsAsciiLetterOrDigit(name[0])
        && !name.ContainsAnyExcept(Allowed);

    /// <summary>Null when valid; otherwise a message naming the rule.</summary>
    public static string? Check(string? name, string what) => name switch
    {
        null or "" => $"{what} is required.",
        { Length: > MaxLength } => $"{what} '{Truncate(name)}' is longer than {MaxLength} characters.",
        _ when !IsValid(name) => $"{what} '{Truncate(name)}' is not a valid name: use letters, digits, '_', '-' and '.', starting with a letter or digit.",
        _ => null,
    };

    internal static string Truncate(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "…");
}
