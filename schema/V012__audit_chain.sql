-- The audit log proves itself (issue 12): every row carries the SHA-256 of its own canonical content
-- (docs/audit.md gives the exact bytes) and the hash of the row before it in the same chain. A chain
-- is one tenant's rows ("tenant:ID"), else one provider's ("provider:ID"), else the platform's.
-- dpsd computes the hashes (one implementation for both databases); `dpsctl audit verify` and
-- scripts/audit-verify recompute them. Rows written before this migration have no chain: verify
-- counts them, and refuses an unchained row written after the first chained one.
ALTER TABLE audit_log ADD COLUMN chain_key TEXT;
ALTER TABLE audit_log ADD COLUMN chain_seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT CHECK (prev_hash IS NULL OR length(prev_hash) = 64);
ALTER TABLE audit_log ADD COLUMN row_hash TEXT CHECK (row_hash IS NULL OR length(row_hash) = 64);
-- A chain never forks: one row per position.
CREATE UNIQUE INDEX audit_log_chain_position ON audit_log (chain_key, chain_seq);

-- Each chain's head: its length and last hash. Writers take the next position with one upsert, which
-- locks the head row, so concurrent writers of one chain (two dpsd on one database) queue on it
-- instead of forking. No tenant data here, so no row-level security: a chain's length and last
-- hash only; verify checks the head against the chain, so a head changed by hand is found too.
CREATE TABLE audit_chain_heads (
    chain_key TEXT PRIMARY KEY,
    chain_seq BIGINT NOT NULL CHECK (chain_seq >= 1),
    head_hash TEXT NOT NULL CHECK (length(head_hash) = 64)
);
