using System.Collections;

namespace Strata.Engine;

/// <summary>
/// The process's environment variables, read once at start-up: the environment layer, the master key and the
/// bootstrap admin token all come from this one copy (<see cref="StrataOptions.EnvironmentVariables"/> in tests).
/// </summary>
internal sealed class StrataEnvironment(IDictionary variables)
{
    public IDictionary Variables { get; } = variables;

    public string? this[string name] => Variables[name] as string;
}
