-- Users who sign in with a password (PBKDF2 hash, ASP.NET Core Identity's format), and signed-in sessions, so a
-- session survives a restart. A session belongs to a user or to the API token it was opened with.
CREATE TABLE users (
    id            TEXT    PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL,
    grants        TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    id           TEXT    PRIMARY KEY,
    user_id      TEXT,
    token_id     TEXT,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    idle_timeout INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    client       TEXT,
    user_agent   TEXT,
    revoked_at   INTEGER
);
