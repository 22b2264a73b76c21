#include "storage/migrations/schema.h"

#include "storage/migrations/versions.h"

namespace tamkine::storage {

namespace {

// v1: identity, sessions, keyring, audit. Sealed columns (suffix _sealed) hold XChaCha20-Poly1305
// envelopes bound to (table, column, id, key version); they are never searched in SQL.
constexpr std::string_view kV1 = R"SQL(
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE data_keys (
  version BIGINT PRIMARY KEY,
  wrapped {{BLOB}} NOT NULL,
  created_at BIGINT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'retired'))
);
CREATE TABLE units (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  sector TEXT NOT NULL,
  region_code BIGINT NOT NULL,
  province_code TEXT NOT NULL,
  address TEXT,
  phone TEXT,
  email TEXT,
  active BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX units_by_province ON units (province_code, sector);
CREATE INDEX units_by_region ON units (region_code, sector);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name_sealed {{BLOB}} NOT NULL,
  email_sealed {{BLOB}},
  phone_sealed {{BLOB}},
  password_hash TEXT NOT NULL,
  active BIGINT NOT NULL DEFAULT 1,
  totp_secret_sealed {{BLOB}},
  totp_enabled BIGINT NOT NULL DEFAULT 0,
  totp_last_step BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE memberships (
  user_id TEXT NOT NULL REFERENCES users (id),
  unit_id TEXT NOT NULL REFERENCES units (id),
  role TEXT NOT NULL,
  PRIMARY KEY (user_id, unit_id, role)
);
CREATE INDEX memberships_by_unit ON memberships (unit_id);
CREATE TABLE sessions (
  token_digest TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  must_enrol_totp BIGINT NOT NULL DEFAULT 0,
  client_addr TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE TABLE login_throttle (
  key TEXT PRIMARY KEY,
  failures BIGINT NOT NULL,
  window_start BIGINT NOT NULL,
  locked_until BIGINT NOT NULL
);
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  time BIGINT NOT NULL,
  user_id TEXT,
  username TEXT,
  role TEXT,
  unit_id TEXT,
  action TEXT NOT NULL,
  record_type TEXT,
  record_id TEXT,
  decision TEXT NOT NULL,
  reason TEXT,
  client_addr TEXT,
  request_id TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_by_record ON audit_log (record_type, record_id);
CREATE INDEX audit_by_user ON audit_log (user_id);
CREATE TABLE audit_head (
  id BIGINT PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE audit_checkpoints (
  seq BIGINT PRIMARY KEY,
  hash TEXT NOT NULL,
  time BIGINT NOT NULL,
  public_key TEXT NOT NULL,
  signature TEXT NOT NULL
);
)SQL";

// The audit log is append-only at the database level too; the hash chain catches anyone who
// drops these triggers.
constexpr std::string_view kV1SqliteTriggers = R"SQL(
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
)SQL";

constexpr std::string_view kV1PostgresTriggers = R"SQL(
CREATE FUNCTION tamkine_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit log is append-only' USING ERRCODE = 'check_violation';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION tamkine_audit_append_only();
)SQL";

}  // namespace

std::string V1IdentityAudit(bool pg) {
  return std::string(kV1) + std::string(pg ? kV1PostgresTriggers : kV1SqliteTriggers);
}

std::vector<Migration> SchemaMigrations(std::string_view dialect) {
  bool pg = dialect == "postgresql";
  // One line per version, in order; each capability keeps its SQL in its own vNNN_*.cc file.
  return {
      {1, "identity, sessions, keyring, audit", V1IdentityAudit(pg)},
      {2, "cases", V2Cases(pg)},
      {3, "duplicate detection and merges", V3Duplicates(pg)},
      {4, "directory and shelters", V4Directory(pg)},
      {5, "coordination: work items, instruction catalogue, protection measures",
       V5Coordination(pg)},
      {6, "referrals between units", V6Referrals(pg)},
      {7, "notifications outbox and preferences", V7Notifications(pg)},
      {8, "statistics: cases by update time", V8Stats(pg)},
  };
}

int LatestSchemaVersion() { return SchemaMigrations("sqlite").back().version; }

}  // namespace tamkine::storage
