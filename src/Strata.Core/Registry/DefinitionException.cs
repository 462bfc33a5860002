namespace Strata;

/// <summary>A definition (in code or in a definitions file) is invalid; start-up stops with this message.</summary>
public sealed class DefinitionException(string message) : Exception(message);
