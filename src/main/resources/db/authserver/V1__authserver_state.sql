-- The embedded authorization server's state. Portable between H2 (MODE=PostgreSQL) and PostgreSQL.
-- Secrets (client secrets, refresh tokens, codes) are stored as SHA-256 hashes only.
CREATE TABLE clients (
    client_id    VARCHAR(255) PRIMARY KEY,
    registration TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE grants (
    id         VARCHAR(64) PRIMARY KEY,
    client_id  VARCHAR(255) NOT NULL,
    subject    VARCHAR(1024) NOT NULL,
    scope      TEXT,
    resource   TEXT,
    kind       VARCHAR(128) NOT NULL,
    created_at BIGINT NOT NULL,
    revoked    BOOLEAN NOT NULL
);
CREATE INDEX grants_created ON grants (created_at);

-- One row per refresh token; rotated_at/successor_hash set when it was exchanged (RFC 9700 §4.14.2).
CREATE TABLE refresh_tokens (
    hash           VARCHAR(64) PRIMARY KEY,
    grant_id       VARCHAR(64) NOT NULL,
    scope          TEXT,
    issued_at      BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    rotated_at     BIGINT,
    successor_hash VARCHAR(64)
);
CREATE INDEX refresh_tokens_grant ON refresh_tokens (grant_id);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at);

CREATE TABLE access_tokens (
    jti        VARCHAR(64) PRIMARY KEY,
    grant_id   VARCHAR(64) NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX access_tokens_grant ON access_tokens (grant_id);
CREATE INDEX access_tokens_expiry ON access_tokens (expires_at);
CREATE INDEX access_tokens_revoked ON access_tokens (revoked_at);

CREATE TABLE authorization_codes (
    hash           VARCHAR(64) PRIMARY KEY,
    client_id      VARCHAR(255) NOT NULL,
    redirect_uri   TEXT,
    code_challenge VARCHAR(255),
    subject        VARCHAR(1024) NOT NULL,
    scope          TEXT,
    resource       TEXT,
    expires_at     BIGINT NOT NULL,
    used           BOOLEAN NOT NULL,
    grant_id       VARCHAR(64)
);
CREATE INDEX authorization_codes_expiry ON authorization_codes (expires_at);

-- Keys every replica must share: the generated signing key (--state-db) and the refresh successor key.
CREATE TABLE server_secrets (
    name   VARCHAR(64) PRIMARY KEY,
    secret TEXT NOT NULL
);
