namespace Strata.Storage;

/// <summary>The data folder cannot be used as it is; the message names the problem and what to do about it.</summary>
internal sealed class DataFolderException(string message, Exception? inner = null) : IOException(message, inner);
