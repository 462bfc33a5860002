-- The session cookie's data-protection keys (XML elements as the framework writes them), in the database rather
-- than the data folder, so every instance on a shared store reads cookies any of them wrote, and a backup has them.
CREATE TABLE session_keys (
    name       TEXT    PRIMARY KEY,
    xml        TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
