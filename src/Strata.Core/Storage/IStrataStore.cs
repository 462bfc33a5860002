namespace Strata.Storage;

/// <summary>
/// A storage backend: every store contract in one database, so one transaction can span them where it must (a
/// commit writes the log and the audit events together). Services depend on the one contract they use.
/// </summary>
internal interface IStrataStore : ISettingsLog, ISealedValues, IAuditStore, ITokenStore, IDataKeyStore, IUserStore, ISessionStore;
