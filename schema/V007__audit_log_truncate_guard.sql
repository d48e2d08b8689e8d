-- The audit log refuses TRUNCATE too (row triggers do not fire on it), on PostgreSQL; SQLite has no TRUNCATE.
-- @postgresql
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
