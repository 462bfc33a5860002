using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Strata.Engine;
using Strata.Cluster;
using Strata.Storage;

namespace Strata.Access;

/// <summary>
/// Users who sign in with a password: kept in memory (they are few and read on every signed-in request), written
/// through to the store. Passwords are hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>
/// (PBKDF2-HMAC-SHA512, salted); the clear password is never kept.
/// </summary>
internal sealed class UserService(IUserStore store, SettingsEngine engine, IClusterSignals signals, TimeProvider time)
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 1024;
    public const int MaxNameLength = 100;

    private static readonly PasswordHasher<UserRecord> Hasher = new();
    private readonly ConcurrentDictionary<string, UserRecord> _byId = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writes = new(1, 1);
    // Checked when the name is unknown, so a wrong name costs as long as a wrong password.
    private readonly Lazy<string> _decoy = new(() => Hasher.HashPassword(null!, Convert.ToHexString(RandomNumberGenerator.GetBytes(16))));

    public Task InitializeAsync(CancellationToken ct) => ReloadAsync(ct);

    /// <summary>Reads the users again: what another instance on a shared store added, changed or removed.</summary>
    public async Task ReloadAsync(CancellationToken ct = default)
    {
        var users = await store.UsersAsync(ct).ConfigureAwait(false);
        foreach (var user in users) _byId[user.Id] = user;
        foreach (var id in _byId.Keys.Except(users.Select(u => u.Id), StringComparer.Ordinal)) _byId.TryRemove(id, out _);
    }

    public IReadOnlyList<UserRecord> List() => _byId.Values.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id, StringComparer.Ordinal).ToList();

    public UserRecord? FindById(string id) => _byId.GetValueOrDefault(id);

    public UserRecord? Find(string name)
    {
        foreach (var user in _byId.Values)
            if (user.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return user;
        return null;
    }

    /// <summary>Why a user name cannot be used, or null.</summary>
    public static string? CheckName(string? name) =>
        string.IsNullOrEmpty(name) || name.Length > MaxNameLength || !Naming.Names.IsValid(name)
            ? $"A user name is 1 to {MaxNameLength} letters, digits, '_', '-' and '.', starting with a letter or digit."
            : null;

    /// <summary>Why a password cannot be used, or null. Never echoes the password.</summary>
    public static string? CheckPassword(string? password) =>
        password is null || password.Length < MinPasswordLength || password.Length > MaxPasswordLength
            ? $"A password must be {MinPasswordLength} to {MaxPasswordLength} characters long."
            : null;

    /// <summary>The user whose name and password these are, or null (after the same work either way).</summary>
    public async Task<UserRecord?> VerifyAsync(string name, string password, CancellationToken ct)
    {
        var user = Find(name);
        if (user is null || password.Length > MaxPasswordLength)
        {
            Hasher.VerifyHashedPassword(null!, _decoy.Value, password.Length > MaxPasswordLength ? "" : password);
            return null;
        }
        var outcome = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (outcome == PasswordVerificationResult.Failed) return null;
        if (outcome == PasswordVerificationResult.SuccessRehashNeeded)
            user = await SaveAsync(user with { PasswordHash = Hasher.HashPassword(user, password) }, ct).ConfigureAwait(false);
        return user;
    }

    /// <summary>Creates a user; null when the name is taken.</summary>
    public async Task<UserRecord?> CreateAsync(string name, string password, IReadOnlyList<Grant> grants, CancellationToken ct)
    {
        await _writes.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Find(name) is not null) return null;
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var user = new UserRecord("u" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), name, "",
                grants.Select(g => g.ToString()).ToList(), now, now);
            return await SaveAsync(user with { PasswordHash = Hasher.HashPassword(user, password) }, ct).ConfigureAwait(false);
        }
        finally
        {
            _writes.Release();
        }
    }

    public Task<UserRecord?> SetPasswordAsync(string name, string password, CancellationToken ct) =>
        UpdateAsync(name, u => u with { PasswordHash = Hasher.HashPassword(u, password) }, ct);

    public Task<UserRecord?> SetGrantsAsync(string name, IReadOnlyList<Grant> grants, CancellationToken ct) =>
        UpdateAsync(name, u => u with { Grants = grants.Select(g => g.ToString()).ToList() }, ct);

    /// <summary>Deletes a user (its sessions go with it); the removed user, or null when there was none.</summary>
    public async Task<UserRecord?> DeleteAsync(string name, CancellationToken ct)
    {
        await _writes.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Find(name) is not { } user) return null;
            await engine.ExclusiveAsync(async () => await store.DeleteUserAsync(user.Id, ct).ConfigureAwait(false) ? 1 : 0).ConfigureAwait(false);
            _byId.TryRemove(user.Id, out _);
            await signals.SignalAsync(ClusterTopic.Users, ct).ConfigureAwait(false);
            return user;
        }
        finally
        {
            _writes.Release();
        }
    }

    private async Task<UserRecord?> UpdateAsync(string name, Func<UserRecord, UserRecord> change, CancellationToken ct)
    {
        await _writes.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Find(name) is not { } user) return null;
            return await SaveAsync(change(user) with { UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds() }, ct).ConfigureAwait(false);
        }
        finally
        {
            _writes.Release();
        }
    }

    private async Task<UserRecord> SaveAsync(UserRecord user, CancellationToken ct)
    {
        await engine.ExclusiveAsync(async () =>
        {
            await store.SaveUserAsync(user, ct).ConfigureAwait(false);
            return 1;
        }).ConfigureAwait(false);
        _byId[user.Id] = user;
        await signals.SignalAsync(ClusterTopic.Users, ct).ConfigureAwait(false);
        return user;
    }
}
