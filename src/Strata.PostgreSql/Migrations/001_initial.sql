-- Everything lives in the store's own schema (the connection's search_path), so several Strata clusters, or tests,
-- can share one database. Times are Unix milliseconds, as in the SQLite store.

-- Names match without regard to case and keep their first spelling, as SQLite's NOCASE does.
CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

-- The last committed revision and commit time: one row, locked FOR UPDATE by every commit, so revisions are
-- assigned in commit order, gap-free, whichever instance commits.
CREATE TABLE head (
    id       boolean PRIMARY KEY DEFAULT true CHECK (id),
    revision bigint  NOT NULL,
    at       bigint  NOT NULL
);
INSERT INTO head (revision, at) VALUES (0, 0);

-- Current overrides, one row per namespace/key/scope; the value lives once, in the history row the row points at
-- (revision). A reset keeps the row (and its version) with a null value in history.
CREATE TABLE settings (
    namespace  text   COLLATE nocase NOT NULL,
    key        text   COLLATE nocase NOT NULL,
    scope      text   COLLATE nocase NOT NULL,
    version    bigint NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    revision   bigint NOT NULL,
    PRIMARY KEY (namespace, key, scope)
);

-- Every change committed; position orders the changes of one revision as committed. A key's history is a chain
-- through prev_revision (its previous change), walked from its settings row, as in the SQLite store.
CREATE TABLE history (
    revision      bigint  NOT NULL,
    position      integer NOT NULL,
    namespace     text    COLLATE nocase NOT NULL,
    key           text    COLLATE nocase NOT NULL,
    scope         text    COLLATE nocase NOT NULL,
    version       bigint  NOT NULL,
    old_value     text,
    new_value     text,
    actor         text    NOT NULL,
    at            bigint  NOT NULL,
    comment       text,
    created_at    bigint,
    prev_revision bigint,
    PRIMARY KEY (revision, namespace, key, scope)
);
CREATE INDEX history_by_namespace ON history (namespace, revision);
-- A time is found newest first: times never go back in revision order (the head keeps them from it).
CREATE INDEX history_by_time ON history (at, revision);
-- The few rows holding an encrypted value: start-up, key rotation and its counts read only these.
CREATE INDEX history_sealed ON history (namespace, key)
    WHERE left(old_value, 5) = '$enc:' OR left(new_value, 5) = '$enc:';

CREATE TABLE audit (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         bigint NOT NULL,
    actor      text   NOT NULL,
    action     text   NOT NULL,
    outcome    text   NOT NULL,
    namespace  text   COLLATE nocase,
    key        text   COLLATE nocase,
    scope      text   COLLATE nocase,
    client     text,
    request_id text,
    detail     text
);
CREATE INDEX audit_by_time ON audit (at);
CREATE INDEX audit_by_actor ON audit (actor, id);

-- Data keys for secrets, each wrapped by the master key, which is never stored.
CREATE TABLE data_keys (
    id         text   PRIMARY KEY,
    wrapped    text   NOT NULL,
    state      text   NOT NULL,
    created_at bigint NOT NULL
);

-- API tokens: only a SHA-256 of each secret.
CREATE TABLE tokens (
    id           text   PRIMARY KEY,
    name         text   NOT NULL,
    secret_hash  text   NOT NULL,
    grants       text   NOT NULL,
    created_at   bigint NOT NULL,
    expires_at   bigint,
    last_used_at bigint,
    revoked_at   bigint
);

CREATE TABLE users (
    id            text   PRIMARY KEY,
    name          text   COLLATE nocase NOT NULL UNIQUE,
    password_hash text   NOT NULL,
    grants        text   NOT NULL,
    created_at    bigint NOT NULL,
    updated_at    bigint NOT NULL
);

CREATE TABLE sessions (
    id           text   PRIMARY KEY,
    user_id      text,
    token_id     text,
    created_at   bigint NOT NULL,
    last_seen_at bigint NOT NULL,
    idle_timeout bigint NOT NULL,
    expires_at   bigint NOT NULL,
    client       text,
    user_agent   text,
    revoked_at   bigint
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- What every instance on this store must hold alike (the signing key), by public fingerprint, never a secret: an
-- instance started with another one refuses to start.
CREATE TABLE shared_keys (
    name        text   PRIMARY KEY,
    fingerprint text   NOT NULL,
    recorded_at bigint NOT NULL
);
