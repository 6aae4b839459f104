-- skillspass schema 1: every store of the storage interface is a space of entries (see src/store/database.rs).
-- Values are what the sled engine stores under the same space and key: versioned JSON records, expiring
-- envelopes, and for hosted wallets sealed (ChaCha20-Poly1305) ciphertext only.
CREATE TABLE entries (
    space   text   NOT NULL,
    key     bytea  NOT NULL,
    value   bytea  NOT NULL,
    -- Unix seconds after which an expiring record is gone (NULL: kept until removed).
    expires bigint,
    PRIMARY KEY (space, key)
);
CREATE INDEX entries_expiry ON entries (space, expires) WHERE expires IS NOT NULL;

-- Counters (status-list numbers, write generations): incremented in one statement.
CREATE TABLE counters (
    space text   NOT NULL,
    key   bytea  NOT NULL,
    value bigint NOT NULL,
    PRIMARY KEY (space, key)
);
