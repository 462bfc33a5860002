namespace Strata.Security;

/// <summary>
/// A secret cannot be decrypted: its data key is unknown or cannot be unwrapped, or the ciphertext was altered or
/// moved. The message names the key id and, where known, the setting; it never contains a value.
/// </summary>
internal sealed class SecretException(string message) : Exception(message);
