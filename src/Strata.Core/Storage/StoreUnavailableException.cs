namespace Strata.Storage;

/// <summary>The store could not be reached or could not commit. <see cref="IsTransient"/> says whether a retry may help.</summary>
internal sealed class StoreUnavailableException(string message, bool isTransient, Exception? inner = null)
    : Exception(message, inner)
{
    public bool IsTransient { get; } = isTransient;
}
