-- Current overrides: one row per namespace/key/scope. value NULL marks a reset; the row keeps the version.
-- revision is the key's latest change: the head of its chain in history.
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

-- Every change ever committed; a revision groups the changes of one commit. The primary key starts with the
-- revision, so commits append to the last page. A key's history is a chain through prev_revision (its previous
-- change) rather than an index by key: an index by key would dirty one more random page per write.
CREATE TABLE history (
    revision      INTEGER NOT NULL,
    namespace     TEXT    NOT NULL COLLATE NOCASE,
    key           TEXT    NOT NULL COLLATE NOCASE,
    scope         TEXT    NOT NULL COLLATE NOCASE,
    version       INTEGER NOT NULL,
    old_value     TEXT,
    new_value     TEXT,
    actor         TEXT    NOT NULL,
    at            INTEGER NOT NULL,
    comment       TEXT,
    created_at    INTEGER,
    prev_revision INTEGER,
    PRIMARY KEY (revision, namespace, key, scope)
) WITHOUT ROWID;
