namespace Strata.Storage;

/// <summary>The web UI's users.</summary>
internal interface IUserStore
{
    Task<IReadOnlyList<UserRecord>> UsersAsync(CancellationToken ct = default);

    /// <summary>Inserts the user, or replaces the one with its id. A name is unique without regard to case.</summary>
    Task SaveUserAsync(UserRecord user, CancellationToken ct = default);

    /// <summary>Deletes the user with this id and its sessions; false when there is none.</summary>
    Task<bool> DeleteUserAsync(string id, CancellationToken ct = default);
}
