using System.Collections;

namespace Strata;

/// <summary>Configures a Strata instance, embedded (<c>AddStrata</c>) or standalone (<c>strata serve</c>).</summary>
public sealed class StrataOptions
{
    /// <summary>Folder for the SQLite database and other local state. Default <c>./data</c>.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Optional YAML file of namespace and setting definitions.</summary>
    public string? DefinitionsFile { get; set; }

    /// <summary>Prefix of environment variables for the environment layer. Default <c>STRATA_</c>.</summary>
    public string EnvironmentPrefix { get; set; } = "STRATA_";

    /// <summary>The layer order when none is configured: stored override, environment, YAML default, code default.</summary>
    public static IReadOnlyList<SettingLayer> DefaultLayerOrder { get; } =
        [SettingLayer.Override, SettingLayer.Environment, SettingLayer.Yaml, SettingLayer.Code];

    /// <summary>
    /// Layers in order of precedence, highest first; a layer left out is not consulted. Null means
    /// <see cref="DefaultLayerOrder"/>. (Null rather than pre-filled, because configuration binding appends to a list.)
    /// </summary>
    public IList<SettingLayer>? LayerOrder { get; set; }

    /// <summary>Largest request body accepted, in bytes. Default 1 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Deepest JSON nesting accepted in a request. Default 32.</summary>
    public int MaxJsonDepth { get; set; } = 32;

    /// <summary>Namespace that the ConfigStore API's flat keys (<c>POST /config/patch</c>, <c>GET /config</c>) live in.</summary>
    public string ConfigStoreNamespace { get; set; } = "app";

    /// <summary>Settings defined in code.</summary>
    public IList<SettingDefinition> Definitions { get; } = [];

    /// <summary>Namespaces declared in code (to mark them strict or describe them).</summary>
    public IList<NamespaceDefinition> Namespaces { get; } = [];

    /// <summary>Adds a setting definition.</summary>
    public StrataOptions Define(SettingDefinition definition)
    {
        Definitions.Add(definition);
        return this;
    }

    /// <summary>Declares a namespace.</summary>
    public StrataOptions DefineNamespace(NamespaceDefinition ns)
    {
        Namespaces.Add(ns);
        return this;
    }

    /// <summary>A file holding the master key (base64 of 32 bytes), used when <c>STRATA_MASTER_KEY</c> is not set.</summary>
    public string? MasterKeyFile { get; set; }

    /// <summary>
    /// Settings (<c>namespace/key</c>) that are stored encrypted but are no longer defined sensitive, and that an
    /// operator releases at this start: their values and history are decrypted and kept in clear, and each is audited
    /// (<c>secret.declassify</c>). Without it such a start is refused. Remove the entry once the start has run.
    /// </summary>
    public IList<string>? Declassify { get; set; }

    /// <summary>How many stored secrets a key rotation re-encrypts per transaction. Default 500.</summary>
    public int KeyRotationBatchSize { get; set; } = 500;

    /// <summary>
    /// Grants of the anonymous principal (requests without a token), as <c>permission:pattern</c>, e.g.
    /// <c>config.read:public.*</c>. None by default: every request needs a token.
    /// </summary>
    public IList<string>? AnonymousGrants { get; set; }

    /// <summary>CORS origins allowed to call the API from a browser (standalone server). None by default: CORS is off.</summary>
    public IList<string>? CorsOrigins { get; set; }

    /// <summary>Per-token request rate limit.</summary>
    public StrataRateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Watch streams and long-polls.</summary>
    public StrataWatchOptions Watch { get; set; } = new();

    /// <summary>Signed-in sessions and sign-in limits (<c>Strata:Ui</c>).</summary>
    public StrataUiOptions Ui { get; set; } = new();

    /// <summary>Environment variables to read instead of the process's (tests).</summary>
    internal IDictionary? EnvironmentVariables { get; set; }
}
