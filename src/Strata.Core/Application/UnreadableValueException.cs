namespace Strata.Application;

/// <summary>
/// A value the command needs is a stored secret that cannot be decrypted; nothing was done. The state, not the
/// request, is at fault (a conflict); the message names the setting and key id, never a value.
/// </summary>
internal sealed class UnreadableValueException(string message) : Exception(message);
