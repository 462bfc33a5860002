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
-- Indexes that grow at their end (time, and per actor): one by setting would dirty a random page on every write,
-- the cost the history table avoids too; a query by setting scans newest first instead.
CREATE INDEX audit_by_time ON audit (at);
CREATE INDEX audit_by_actor ON audit (actor, id);
