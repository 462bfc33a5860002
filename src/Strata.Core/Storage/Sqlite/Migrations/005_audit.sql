-- Append-only audit log: the code only ever inserts and reads these rows.
CREATE TABLE audit (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    actor      TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    outcome    TEXT    NOT NULL,
    namespace  TEXT    COLLATE NOCASE,
    key        TEXT    COLLATE NOCASE,
    scope      TEXT    COLLATE NOCASE,
    client     TEXT,
    request_id TEXT,
    detail     TEXT
);
CREATE INDEX audit_by_time ON audit (at);
CREATE INDEX audit_by_actor ON audit (actor, id);
CREATE INDEX audit_by_setting ON audit (namespace, key, id);
