-- The session cookie's data-protection keys (XML elements as the framework writes them), so every instance reads
-- the cookies any of them wrote.
CREATE TABLE session_keys (
    name       text   PRIMARY KEY,
    xml        text   NOT NULL,
    created_at bigint NOT NULL
);
