namespace Strata.Storage;

/// <summary>A user as stored: <see cref="PasswordHash"/> is ASP.NET Core Identity's PBKDF2 format; grants are <c>permission:pattern</c>.</summary>
internal sealed record UserRecord(string Id, string Name, string PasswordHash, IReadOnlyList<string> Grants, long CreatedAt, long UpdatedAt);
