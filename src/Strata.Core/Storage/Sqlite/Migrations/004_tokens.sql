-- API tokens. Only a SHA-256 of each token's secret is kept; the token is shown once, when created.
CREATE TABLE tokens (
    id           TEXT    PRIMARY KEY,
    name         TEXT    NOT NULL,
    secret_hash  TEXT    NOT NULL,
    grants       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
