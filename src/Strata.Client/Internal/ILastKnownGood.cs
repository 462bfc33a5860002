namespace Strata.Client.Internal;

/// <summary>The last-known-good file as the provider uses it: saved after every applied revision, loaded when the
/// server cannot be reached at start-up.</summary>
internal interface ILastKnownGood
{
    /// <summary>The file's state, or null when there is no file yet; throws <see cref="InvalidOperationException"/>
    /// naming the reason when the file is refused (tampered, truncated, foreign key).</summary>
    AppliedState? Load();

    /// <summary>Atomically replaces the file with <paramref name="state"/>.</summary>
    void Save(AppliedState state);
}
