-- Failed sign-ins counted per (email, client address), for known and unknown accounts alike: a
-- blocked pair answers the same whether or not the account exists, and one address cannot lock an
-- account out for everyone else (issue 15, defect 9). users.failed_logins and locked_until are no
-- longer written. No tenant rows: read and written under the platform scope only.
CREATE TABLE login_throttle (
    email TEXT NOT NULL,
    client TEXT NOT NULL,
    failures INTEGER NOT NULL CHECK (failures >= 0),
    blocked_until TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (email, client)
);
CREATE INDEX login_throttle_client ON login_throttle (client, updated_at);
