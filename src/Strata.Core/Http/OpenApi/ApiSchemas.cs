using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Strata.Naming;
using Strata.Registry;
using Strata.Resolution;

namespace Strata.Http.OpenApi;

/// <summary>
/// The component schemas of the document: every body Strata reads or writes, written out by hand because the
/// handlers write JSON with a <c>Utf8JsonWriter</c>. Objects are closed (<c>additionalProperties: false</c>) so a
/// field the code writes but the document does not name fails the contract test.
/// </summary>
internal static class ApiSchemas
{
    public const string NamePattern = "^[A-Za-z0-9][A-Za-z0-9_.-]*$";
    // A scope as Scope.TryNormalize reads it: global in any case (empty means global too), or kind:id.
    private const string OneScope = "[Gg][Ll][Oo][Bb][Aa][Ll]|[A-Za-z][A-Za-z0-9_.-]{0,127}:[A-Za-z0-9_.@-]{1,128}";
    public const string ScopePattern = "^(" + OneScope + ")?$";
    public const string ScopeChainPattern = @"^\s*(" + OneScope + @")?\s*(,\s*(" + OneScope + @")?\s*)*$";
    public const string TokenIdPattern = "^t[0-9a-f]{12}$";
    public const string UserIdPattern = "^u[0-9a-f]{12}$";
    public const string SessionIdPattern = "^s[0-9a-f]{32}$";

    public static void AddTo(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var (name, schema) in All(document)) document.Components.Schemas[name] = schema;
    }

    public static IOpenApiSchema Ref(string name, OpenApiDocument document) => new OpenApiSchemaReference(name, document);

    public static OpenApiSchema Name(string description) =>
        new() { Type = JsonSchemaType.String, Description = description, Pattern = NamePattern, MinLength = 1, MaxLength = Names.MaxLength };

    private static IEnumerable<(string, OpenApiSchema)> All(OpenApiDocument doc)
    {
        IOpenApiSchema R(string name) => Ref(name, doc);
        var types = System.Enum.GetNames<SettingType>().Select(n => n.ToLowerInvariant()).ToArray();
        var layers = System.Enum.GetValues<SettingLayer>().Select(SettingJson.LayerName).Distinct().ToArray();

        yield return ("Problem", Problem("An RFC 9457 problem document.", [], []));
        yield return ("ValidationProblem", Problem("Bad input: the problem document with one entry per failed rule.",
            [("errors", Array(R("ValidationError"), "Every rule the input failed.", minItems: 1))], ["errors"]));
        yield return ("ValidationError", Obj("One failed rule.", ["field", "rule", "message"],
            ("field", Str("The field, query parameter, header or path part at fault (e.g. value, changes[0].ifVersion, If-Match).")),
            ("rule", Str("The rule: json, type, required, unknownField, name, scope, unknownKey, min, max, pattern, "
                + "allowedValues, maxLength, custom, maxDepth, duplicate, range, shape, grant, yaml, …")),
            ("message", Str("What is wrong, for a person."))));
        yield return ("VersionConflictProblem", Problem("A stale If-Match or ifVersion: nothing was written.",
            [("currentVersion", Int("The key's version now; send it as If-Match to retry."))], ["currentVersion"]));

        yield return ("Revision", Obj("The current global revision.", ["revision"], ("revision", Int("The global revision."))));
        yield return ("NamespaceList", Obj("The namespaces the caller may read.", ["revision", "namespaces"],
            ("revision", Int("The global revision.")),
            ("namespaces", Array(R("NamespaceSummary")))));
        yield return ("NamespaceSummary", Obj("A namespace: defined, stored, or both.", ["name", "strict", "defined", "stored"],
            ("name", Name("The namespace.")),
            ("description", Str("From the definitions.")),
            ("strict", Bool("Only defined keys may be stored.")),
            ("defined", Int("Keys defined.")),
            ("stored", Int("Keys with a stored override."))));
        yield return ("Setting", Obj("A resolved setting with its provenance. Sensitive values read \"********\" with masked: true unless revealed.",
            ["namespace", "key", "value", "source"],
            ("namespace", Name("The namespace.")),
            ("key", Name("The key.")),
            ("value", Any("The resolved value (any JSON).")),
            ("masked", Masked()),
            ("source", Enum("The layer the value came from.", layers)),
            ("scope", Str("The scope of the override that won (source override).")),
            ("version", Int("The override's per-key version.")),
            ("revision", Int("The revision that wrote the override.")),
            ("createdAt", Time("When the override was created.")),
            ("updatedAt", Time("When the override last changed.")),
            ("variable", Str("The environment variable (source environment).")),
            ("type", Enum("The defined type.", types)),
            ("sensitive", Bool("Defined as a secret.")),
            ("restartRequired", Bool("A change takes effect on restart.")),
            ("layers", Array(R("SettingLayer"), "With explain=true: every layer's candidate, the winner first."))));
        yield return ("SettingLayer", Obj("One layer's candidate for a setting.", ["layer", "value"],
            ("layer", Enum("The layer.", layers)),
            ("scope", Str("The override's scope.")),
            ("version", Int("The override's version.")),
            ("variable", Str("The environment variable.")),
            ("value", Any("The candidate value.")),
            ("masked", Masked())));
        yield return ("NamespaceSettings", Obj("Every key of a namespace that resolves, at the scope chain read.", ["namespace", "revision", "scopes", "settings"],
            ("namespace", Name("The namespace.")),
            ("revision", Int("The revision read.")),
            ("scopes", Array(Str("A scope."), "The chain consulted, most specific first, global last.")),
            ("settings", Array(R("Setting")))));
        yield return ("SettingWrite", Obj("A value to store at the scope of the query.", ["value"],
            ("value", Any("The value (any JSON the definition allows).")),
            ("comment", NullableStr("Kept in history and audit."))));
        yield return ("SettingWritten", Obj("The stored override.", ["namespace", "key", "scope", "value", "version", "revision", "createdAt", "updatedAt"],
            ("namespace", Name("The namespace.")),
            ("key", Name("The key.")),
            ("scope", Str("The scope written.")),
            ("value", Any("The value stored (masked when sensitive).")),
            ("masked", Masked()),
            ("version", Int("The key's version at that scope.")),
            ("revision", Int("The revision of the commit.")),
            ("createdAt", Time("When the override was created.")),
            ("updatedAt", Time("When it last changed."))));
        yield return ("SettingReset", Obj("The outcome of a reset. It never carries a value: a write-only caller reads nothing.",
            ["namespace", "key", "scope", "reset", "revision"],
            ("namespace", Name("The namespace.")),
            ("key", Name("The key.")),
            ("scope", Str("The scope reset.")),
            ("reset", Bool("True when an override was removed; false when there was none.")),
            ("version", Int("The key's version after the reset (when one was removed).")),
            ("revision", Int("The global revision after the request."))));
        yield return ("Patch", Obj("An atomic change set: all of it is committed in one revision, or nothing.", ["changes"],
            ("changes", Array(R("PatchChange"))),
            ("comment", NullableStr("Kept in history and audit."))));
        yield return ("PatchChange", Obj("One change: either value or reset: true.", ["namespace", "key"],
            ("namespace", Name("The namespace.")),
            ("key", Name("The key.")),
            ("scope", Scope("The scope (default global).")),
            ("value", Any("The new value.")),
            ("reset", Bool("True to remove the override instead.")),
            ("ifVersion", Int("Refuse the whole patch (412) unless the key is at this version."))));
        yield return ("CommitResult", Obj("What a commit applied.", ["revision", "applied"],
            ("revision", Int("The global revision after the commit.")),
            ("applied", Array(R("AppliedChange")))));
        yield return ("AppliedChange", Obj("One applied change.", ["namespace", "key", "scope", "version", "reset"],
            ("namespace", Name("The namespace.")),
            ("key", Name("The key.")),
            ("scope", Str("The scope.")),
            ("version", Int("The key's new version.")),
            ("reset", Bool("The override was removed."))));

        yield return ("Registry", Obj("The definition registry, namespaces the caller may read.", ["namespaces"],
            ("namespaces", Array(R("RegistryNamespace")))));
        yield return ("RegistryNamespace", Obj("A defined namespace.", ["name", "strict", "settings"],
            ("name", Name("The namespace.")),
            ("description", Str("Description.")),
            ("strict", Bool("Only defined keys may be stored.")),
            ("settings", Array(R("Definition")))));
        yield return ("Definition", Obj("A setting's definition.", ["key", "type", "level", "sensitive", "restartRequired", "scopes", "constraints"],
            ("key", Name("The key.")),
            ("type", Enum("The type.", types)),
            ("description", Str("Description.")),
            ("group", Str("A group for UIs.")),
            ("level", Enum("Who should change it.", System.Enum.GetNames<SettingLevel>().Select(n => n.ToLowerInvariant()).ToArray())),
            ("sensitive", Bool("A secret: masked and encrypted.")),
            ("restartRequired", Bool("A change takes effect on restart.")),
            ("scopes", Array(Str("A scope kind."), "Scope kinds it may be set for.")),
            ("default", Any("The effective default (masked when sensitive).")),
            ("masked", Masked()),
            ("constraints", Obj("Validation rules.", [],
                ("min", Number("Minimum.")),
                ("max", Number("Maximum.")),
                ("pattern", Str("A regular expression the value must match.")),
                ("maxLength", Int("Maximum length.")),
                ("allowedValues", Array(Str("An allowed value."))),
                ("customValidator", Bool("A code validator also runs."))))));

        yield return ("HistoryPage", Obj("Changes, newest first.", ["history"],
            ("history", Array(R("HistoryRecord"))),
            ("nextBefore", Int("Pass as before= for the next (older) page; absent on the last page."))));
        yield return ("HistoryRecord", Obj("One change of a key at a scope.", ["revision", "namespace", "key", "scope", "version", "change", "oldValue", "newValue", "actor", "at"],
            ("revision", Int("The revision of the commit.")),
            ("namespace", Name("The namespace.")),
            ("key", Name("The key.")),
            ("scope", Str("The scope.")),
            ("version", Int("The key's version after the change.")),
            ("change", Enum("The kind of change.", "create", "update", "reset")),
            ("oldValue", Any("The value before (null when none; masked when sensitive).")),
            ("newValue", Any("The value after (null on reset; masked when sensitive).")),
            ("actor", Str("Who made it.")),
            ("at", Time("When.")),
            ("comment", Str("The writer's comment.")),
            ("unreadable", Str("Why this record's stored secret cannot be decrypted; its values are masked and it cannot be rolled back to."))));
        yield return ("Diff", Obj("Overrides that differ between two revisions.", ["namespace", "from", "to", "changes"],
            ("namespace", Str("The namespace.")),
            ("from", Int("From revision.")),
            ("to", Int("To revision.")),
            ("changes", Array(R("DiffChange")))));
        yield return ("DiffChange", Obj("One differing override.", ["key", "scope", "change", "old", "new"],
            ("key", Str("The key.")),
            ("scope", Str("The scope.")),
            ("change", Enum("How it differs.", "added", "removed", "changed")),
            ("old", Any("The value at from (null when none; masked when sensitive).")),
            ("new", Any("The value at to (null when none; masked when sensitive)."))));
        yield return ("KeyRollback", Obj("The key version to return to.", ["version"],
            ("version", Int("A version of the key at that scope.", minimum: 1)),
            ("scope", NullableStr("The scope (default global).")),
            ("comment", NullableStr("Kept in history (default \"rollback to version N\")."))));
        yield return ("NamespaceRollback", Obj("The revision to return the namespace's overrides to.", ["revision"],
            ("revision", Int("A revision, at most the current one.")),
            ("comment", NullableStr("Kept in history."))));

        var settingsMap = Map(Map(Map(Any("A value.")), "scope → key → value"), "namespace → scope → key → value");
        yield return ("ExportDocument", Obj("strata-export/1: stored overrides. Sensitive values are listed under omitted unless secrets=true.",
            ["format", "revision", "exportedAt", "secrets", "settings", "omitted"],
            ("format", Enum("The document format.", "strata-export/1")),
            ("revision", Int("The revision exported.")),
            ("exportedAt", Time("When.")),
            ("secrets", Bool("True when sensitive values are in clear: handle the document as a secret.")),
            ("settings", settingsMap),
            ("omitted", Array(Str("ns/key@scope"), "Sensitive values left out."))));
        yield return ("ImportDocument", Obj("A strata-export/1 document to apply atomically; only settings is needed.", ["settings"],
            ("format", Enum("The document format.", "strata-export/1")),
            ("revision", Int("Ignored.")),
            ("exportedAt", Any("Ignored.")),
            ("secrets", Any("Ignored.")),
            ("settings", settingsMap),
            ("omitted", Any("Ignored."))));

        var signature = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 88, MaxLength = 88,
            Description = "Ed25519 signature (base64) over every byte of this document before ,\"signature\": (docs/watch.md). Always the last member." };
        yield return ("Snapshot", Obj("Every resolved value of the namespaces asked for, at one revision; signed.", ["revision", "at", "namespaces", "scopes", "settings", "signature"],
            ("revision", Int("The revision the state is at.")),
            ("at", Time("When it was taken.")),
            ("namespaces", Array(Name("A namespace."))),
            ("scopes", Array(Str("A scope."), "The scope chain asked for, most specific first, global last.")),
            ("settings", Array(R("Setting"), "Sensitive values in clear only with secrets.reveal on their namespace (audited).")),
            ("signature", signature)));
        yield return ("WatchEvent", new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "A stream of server-sent events: change (id: the revision), heartbeat, reset and closing, each a signed JSON "
                + "document (docs/watch.md). The stream starts with retry: 1000.",
        });
        yield return ("SigningKey", Obj("The key that signs events and snapshots.", ["algorithm", "keyId", "publicKey"],
            ("algorithm", Enum("The algorithm.", "Ed25519")),
            ("keyId", Str("The first 8 bytes of SHA-256 of the public key, hex.")),
            ("publicKey", Str("The raw 32-byte public key, base64: pin it in clients."))));
        yield return ("ConsumerList", Obj("Consumers with an open watch, and what each has applied.", ["revision", "consumers"],
            ("revision", Int("The server's revision.")),
            ("consumers", Array(R("Consumer")))));
        yield return ("Consumer", Obj("A consumer instance.", ["instance", "namespaces", "appliedRevision", "behind", "connectedSince", "lastSeen"],
            ("instance", Str("Its instance id.")),
            ("application", Str("The application it says it is.")),
            ("host", Str("The host it says it runs on.")),
            ("namespaces", Array(Name("A namespace."), "The namespaces it follows (those the caller may read).")),
            ("appliedRevision", Int("The last revision it reported applied (its resume point until it reports).")),
            ("behind", Bool("A commit after appliedRevision touched one of its namespaces.")),
            ("connectedSince", Time("When its watch opened.")),
            ("lastSeen", Time("Its last report or heartbeat."))));
        yield return ("ConsumerReport", Obj("The revision a consumer has applied.", ["revision"], ("revision", Int("A revision."))));

        yield return ("TokenList", Obj("API tokens (never their secrets).", ["tokens"], ("tokens", Array(R("Token")))));
        yield return ("Token", TokenSchema("An API token.", withSecret: false));
        yield return ("CreatedToken", TokenSchema("A new token; its secret is shown this once.", withSecret: true));
        yield return ("TokenCreate", Obj("A token to create.", ["name", "grants"],
            ("name", new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 100, Description = "A name for people." }),
            ("grants", Array(Str("permission:pattern, e.g. config.read:billing or config.write:billing.*"), minItems: 1)),
            ("expiresIn", NullableStr("A duration such as 30d or 12h; none: never expires."))));
        yield return ("UserList", Obj("Users who sign in with a password (never their password hashes).", ["users"], ("users", Array(R("User")))));
        yield return ("User", Obj("A user.", ["id", "name", "grants", "createdAt", "updatedAt"],
            ("id", new OpenApiSchema { Type = JsonSchemaType.String, Pattern = UserIdPattern, Description = "The user id." }),
            ("name", Str("The user name, used to sign in.")),
            ("grants", Array(Str("permission:pattern"))),
            ("createdAt", Time("When.")),
            ("updatedAt", Time("When its password or grants last changed."))));
        yield return ("UserCreate", Obj("A user to create.", ["name", "password", "grants"],
            ("name", new OpenApiSchema { Type = JsonSchemaType.String, Pattern = NamePattern, MinLength = 1, MaxLength = 100, Description = "The user name." }),
            ("password", new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 8, MaxLength = 1024, Description = "The password (stored only as a PBKDF2 hash)." }),
            ("grants", Array(Str("permission:pattern, e.g. config.read:billing or config.write:billing.*"), minItems: 1))));
        yield return ("UserPassword", Obj("A new password.", ["password"],
            ("password", new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 8, MaxLength = 1024, Description = "The password." })));
        yield return ("UserGrants", Obj("A user's new grants (they replace the old ones).", ["grants"],
            ("grants", Array(Str("permission:pattern"), minItems: 1))));
        yield return ("SessionList", Obj("Active signed-in sessions.", ["sessions"], ("sessions", Array(R("Session")))));
        yield return ("Session", Obj("A signed-in session.", ["id", "name", "createdAt", "lastSeenAt", "idleExpiresAt", "expiresAt"],
            ("id", new OpenApiSchema { Type = JsonSchemaType.String, Pattern = SessionIdPattern, Description = "The session id." }),
            ("name", Str("Who: the user's name, or the token's for a session signed in with a token.")),
            ("user", Str("The user id (a session signed in with a password).")),
            ("token", new OpenApiSchema { Type = JsonSchemaType.String, Pattern = TokenIdPattern, Description = "The token id (a session signed in with a token)." }),
            ("createdAt", Time("When it was signed in.")),
            ("lastSeenAt", Time("Its last request.")),
            ("idleExpiresAt", Time("When it ends if unused until then.")),
            ("expiresAt", Time("When it ends however much it is used.")),
            ("client", Str("The address it signed in from.")),
            ("userAgent", Str("The User-Agent it signed in with."))));
        yield return ("SignIn", Obj("A sign-in: a user name and password, or an API token.", [],
            ("user", Str("The user name.")),
            ("password", Str("The password.")),
            ("token", Str("An API token (strata_…)."))));
        yield return ("SignedIn", Obj("The session just opened; its cookie (strata_session, HttpOnly, SameSite=Strict) is set.",
            ["session", "name", "grants", "expiresAt"],
            ("session", new OpenApiSchema { Type = JsonSchemaType.String, Pattern = SessionIdPattern, Description = "The session id." }),
            ("name", Str("Who is signed in.")),
            ("grants", Array(Str("permission:pattern"))),
            ("expiresAt", Time("When it ends however much it is used."))));
        yield return ("KeyList", Obj("Data keys that encrypt secrets.", ["encryption", "rotation", "keys"],
            ("encryption", Bool("A master key is configured.")),
            ("active", Str("The active data key.")),
            ("rotation", Enum("The rotation's state.", "idle", "running", "failed")),
            ("keys", Array(Obj("A data key.", ["id", "state", "createdAt", "records"],
                ("id", Str("The key id.")),
                ("state", Str("active or retired.")),
                ("createdAt", Time("When.")),
                ("records", Int("Stored values it encrypts.")))))));
        yield return ("KeyRotation", Obj("A started rotation.", ["active", "rotation"],
            ("active", Str("The new active data key.")),
            ("rotation", Enum("The rotation's state.", "running"))));
        yield return ("SearchResults", Obj("The settings a search found, best first, among those the caller may read.", ["query", "revision", "total", "limit", "results"],
            ("query", Str("The query, trimmed.")),
            ("revision", Int("The revision searched.")),
            ("total", Int("How many settings match; results holds the first limit of them.")),
            ("limit", Int("The most results returned.", minimum: 1)),
            ("results", Array(R("SearchResult")))));
        yield return ("SearchResult", Obj("A setting found: exact key, then key prefix, key, namespace/group/description, then value matches.",
            ["namespace", "key", "matched"],
            ("namespace", Name("The namespace.")),
            ("key", Name("The key.")),
            ("group", Str("The defined group.")),
            ("description", Str("The defined description, cut to about 160 characters.")),
            ("value", Any("The value a global read gets (\"********\" when sensitive); absent when there is none.")),
            ("masked", Masked()),
            ("source", Enum("The layer the value came from.", layers)),
            ("type", Enum("The defined type.", types)),
            ("sensitive", Bool("Defined as a secret: its value is never searched.")),
            ("matched", Array(Enum("A field.", "key", "namespace", "group", "description", "value"), "The fields a word of the query matched.", minItems: 1))));
        yield return ("AuditPage", Obj("Audit events, newest first.", ["audit"],
            ("audit", Array(R("AuditEvent"))),
            ("nextBefore", Int("Pass as before= for the next (older) page; absent on the last page."))));
        yield return ("AuditEvent", Obj("One audit event.", ["id", "at", "actor", "action", "outcome"],
            ("id", Int("The event id.")),
            ("at", Time("When.")),
            ("actor", Str("Who.")),
            ("action", Str("What, e.g. setting.update, access.denied, token.create.")),
            ("outcome", Str("ok or denied.")),
            ("namespace", Str("The namespace.")),
            ("key", Str("The key.")),
            ("scope", Str("The scope.")),
            ("client", Str("The client address.")),
            ("requestId", Str("The request id.")),
            ("detail", Any("Details (never a secret value)."))));

        yield return ("AuditPruned", Obj("What a prune removed.", ["before", "deleted"],
            ("before", Time("Events older than this were removed.")),
            ("deleted", Int("Events removed."))));

        yield return ("ConfigRecord", Obj("Seed 001's record.", ["id", "namespace", "key", "value", "version", "created_at", "updated_at", "source"],
            ("id", new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid", Description = "A name-based UUID: the same namespace/key has the same id everywhere." }),
            ("namespace", Name("The namespace.")),
            ("key", Name("The key.")),
            ("value", Any("The value (masked when sensitive).")),
            ("masked", Masked()),
            ("version", Int("The key's version (0 when the value is a default).")),
            ("created_at", NullableTime("When the stored value was created; null for a default.")),
            ("updated_at", NullableTime("When it last changed; null for a default.")),
            ("source", Enum("The layer the value came from.", layers))));
        yield return ("ConfigRecordList", Array(R("ConfigRecord"), "The namespace's records (empty when none)."));
        yield return ("ConfigSnapshot", Obj("Every resolved value at global scope the caller may read.", ["version", "config", "masked"],
            ("version", Int("The global revision.")),
            ("config", Map(Any("A value; \"********\" when masked."), "KEY (namespace app) or ns/key → value.")),
            ("masked", Array(Str("A key of config."), "The keys of config whose values are masked."))));
        yield return ("ConfigPatch", Obj("Values to set atomically at global scope.", ["updates"],
            ("updates", Map(Any("A value."), "KEY (namespace app) or ns/key → value.")),
            ("comment", NullableStr("Kept in history and audit."))));
        yield return ("ConfigEvent", Obj("Seed 003's change message.", ["event", "version", "changed"],
            ("event", Enum("What happened.", "updated", "reloaded")),
            ("version", Int("The global revision.")),
            ("changed", Array(Str("A key."), "The keys changed."))));
        yield return ("AnyValue", Any("Any JSON value."));

        yield return ("Health", new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "ok, degraded (a part such as a bridge is down; still 200), or unavailable; each check (e.g. store) reports under its name.",
            Required = new HashSet<string> { "status" },
            Properties = new Dictionary<string, IOpenApiSchema> { ["status"] = Enum("Overall status.", "ok", "degraded", "unavailable") },
            AdditionalProperties = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { "status" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["status"] = Enum("The check's status.", "healthy", "degraded", "unhealthy"),
                    ["description"] = Str("Why."),
                },
            },
        });
        yield return ("OpenApiDocument", new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "This document.",
            Required = new HashSet<string> { "openapi", "info", "paths" },
        });
    }

    private static OpenApiSchema TokenSchema(string description, bool withSecret)
    {
        var schema = Obj(description, withSecret ? ["id", "name", "grants", "createdAt", "token"] : ["id", "name", "grants", "createdAt"],
            ("id", new OpenApiSchema { Type = JsonSchemaType.String, Pattern = TokenIdPattern, Description = "The token id." }),
            ("name", Str("The name.")),
            ("grants", Array(Str("permission:pattern"))),
            ("createdAt", Time("When.")),
            ("expiresAt", Time("When it expires.")),
            ("lastUsedAt", Time("When it was last used.")),
            ("revokedAt", Time("When it was revoked.")));
        if (withSecret) schema.Properties!["token"] = Str("The secret: send it as Authorization: Bearer <token>. Shown once.");
        return schema;
    }

    private static OpenApiSchema Problem(string description, (string, IOpenApiSchema)[] extra, string[] required)
    {
        var schema = Obj(description, ["type", "title", "status", .. required],
            ("type", Str("urn:strata:problem:… (validation, not-found, version-conflict, unauthorized, forbidden, rate-limited, "
                + "too-large, unsupported-media-type, store-unavailable, secret-unreadable, no-master-key).")),
            ("title", Str("A short summary.")),
            ("status", Int("The HTTP status.")),
            ("detail", Str("What happened and what to do.")),
            ("instance", Str("The request.")),
            ("traceId", Str("The request's trace id.")));
        foreach (var (name, s) in extra) schema.Properties![name] = s;
        return schema;
    }

    public static OpenApiSchema Obj(string description, string[] required, params (string Name, IOpenApiSchema Schema)[] properties) => new()
    {
        Type = JsonSchemaType.Object,
        Description = description,
        Required = new HashSet<string>(required),
        Properties = properties.ToDictionary(p => p.Name, p => p.Schema),
        AdditionalPropertiesAllowed = false,
    };

    public static OpenApiSchema Str(string description) => new() { Type = JsonSchemaType.String, Description = description };

    private static OpenApiSchema NullableStr(string description) => new() { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = description };

    public static OpenApiSchema Scope(string description) =>
        new() { Type = JsonSchemaType.String, Description = description, Pattern = ScopePattern, MaxLength = 2 * Names.MaxLength + 1 };

    public static OpenApiSchema Int(string description, long minimum = 0) =>
        new() { Type = JsonSchemaType.Integer, Format = "int64", Description = description, Minimum = minimum.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private static OpenApiSchema Number(string description) => new() { Type = JsonSchemaType.Number, Description = description };

    public static OpenApiSchema Bool(string description) => new() { Type = JsonSchemaType.Boolean, Description = description };

    private static OpenApiSchema Time(string description) => new() { Type = JsonSchemaType.String, Format = "date-time", Description = description };

    private static OpenApiSchema NullableTime(string description) =>
        new() { Type = JsonSchemaType.String | JsonSchemaType.Null, Format = "date-time", Description = description };

    private static OpenApiSchema Any(string description) => new() { Description = description };

    private static OpenApiSchema Masked() => new() { Type = JsonSchemaType.Boolean, Description = "Present (true) when the value is a masked secret.", Enum = [JsonValue.Create(true)] };

    public static OpenApiSchema Enum(string description, params string[] values) =>
        new() { Type = JsonSchemaType.String, Description = description, Enum = values.Select(v => (JsonNode)JsonValue.Create(v)).ToList() };

    private static OpenApiSchema Array(IOpenApiSchema items, string? description = null, int? minItems = null) =>
        new() { Type = JsonSchemaType.Array, Items = items, Description = description, MinItems = minItems };

    private static OpenApiSchema Map(IOpenApiSchema values, string? description = null) =>
        new() { Type = JsonSchemaType.Object, AdditionalProperties = values, Description = description };
}
