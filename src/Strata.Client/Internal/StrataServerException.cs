namespace Strata.Client.Internal;

/// <summary>The server could not give what was asked. <see cref="Transient"/> says whether trying again can help
/// (unreachable, 5xx, a bad signature) or not (401, 403, 400, 404: the options or grants need fixing).</summary>
internal sealed class StrataServerException(string message, bool transient, Exception? inner = null, int? status = null) : Exception(message, inner)
{
    internal bool Transient { get; } = transient;

    /// <summary>The HTTP status the server refused with; null when it did not answer.</summary>
    internal int? Status { get; } = status;
}
