-- Current overrides: one row per namespace/key/scope. value NULL marks a reset; the row keeps the version.
CREATE TABLE settings (
    namespace  TEXT    NOT NULL COLLATE NOCASE,
    key        TEXT    NOT NULL COLLATE NOCASE,
    scope      TEXT    NOT NULL COLLATE NOCASE,
    value      TEXT,
    version    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    revision   INTEGER NOT NULL,
    PRIMARY KEY (namespace, key, scope)
) WITHOUT ROWID;

-- Every change ever committed. A revision groups the changes of one commit.
CREATE TABLE history (
    revision   INTEGER NOT NULL,
    namespace  TEXT    NOT NULL COLLATE NOCASE,
    key        TEXT    NOT NULL COLLATE NOCASE,
    scope      TEXT    NOT NULL COLLATE NOCASE,
    version    INTEGER NOT NULL,
    old_value  TEXT,
    new_value  TEXT,
    actor      TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    comment    TEXT,
    PRIMARY KEY (revision, namespace, key, scope)
);

CREATE INDEX history_by_key ON history (namespace, key, scope, revision);
