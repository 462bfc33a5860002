-- Data keys for secrets, each wrapped (AES-256-GCM) by the master key, which is never stored.
-- state: active (encrypts new values) | retiring (being re-encrypted away) | retired (unused; wrapped key erased).
CREATE TABLE data_keys (
    id         TEXT    PRIMARY KEY,
    wrapped    TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
