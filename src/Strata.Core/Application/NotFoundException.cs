namespace Strata.Application;

/// <summary>What the command was asked to act on does not exist; nothing was done. The message says what is missing.</summary>
internal sealed class NotFoundException(string message) : Exception(message);
