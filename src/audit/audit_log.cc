#include "audit/audit_log.h"

#include <map>

#include "common/json.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/signing.h"

namespace tamkine::audit {

namespace {

constexpr std::string_view kGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

constexpr std::string_view kColumns =
    "seq, time, user_id, username, role, unit_id, action, record_type, record_id, decision, "
    "reason, client_addr, request_id, prev_hash, hash";

void AddField(std::string& out, std::string_view v) {
  out += std::to_string(v.size());
  out += ':';
  out += v;
  out += '|';
}

Entry FromRow(const storage::Row& r) {
  Entry e;
  e.seq = r.Int(0);
  e.time = r.Int(1);
  e.user_id = r.OptText(2).value_or("");
  e.username = r.OptText(3).value_or("");
  e.role = r.OptText(4).value_or("");
  e.unit_id = r.OptText(5).value_or("");
  e.action = r.Text(6);
  e.record_type = r.OptText(7).value_or("");
  e.record_id = r.OptText(8).value_or("");
  e.decision = r.Text(9);
  e.reason = r.OptText(10).value_or("");
  e.client_addr = r.OptText(11).value_or("");
  e.request_id = r.OptText(12).value_or("");
  e.prev_hash = r.Text(13);
  e.hash = r.Text(14);
  return e;
}

storage::Value TextOrNull(const std::string& s) {
  if (s.empty()) return storage::Null();
  return s;
}

std::string SignedMessage(int64_t seq, const std::string& hash, Micros time) {
  return "tamkine-audit-checkpoint|" + std::to_string(seq) + "|" + hash + "|" +
         std::to_string(time);
}

}  // namespace

std::string EntryHash(const Entry& e) {
  std::string c = "tamkine-audit-v1|";
  AddField(c, std::to_string(e.seq));
  AddField(c, std::to_string(e.time));
  for (const std::string* f :
       {&e.user_id, &e.username, &e.role, &e.unit_id, &e.action, &e.record_type, &e.record_id,
        &e.decision, &e.reason, &e.client_addr, &e.request_id, &e.prev_hash}) {
    AddField(c, *f);
  }
  auto digest = crypto::Sha256(c);
  return crypto::HexEncode(digest);
}

Status Append(storage::Tx& tx, const Clock& clock, Entry e) {
  // Taking the row lock first serialises appenders on PostgreSQL; on SQLite the write
  // transaction already is exclusive.
  ASSIGN_OR_RETURN(auto head, tx.QueryOne("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 "
                                          "RETURNING seq, hash"));
  if (!head) return Internal("audit head row is missing");
  e.seq = head->Int(0);
  e.prev_hash = head->Text(1);
  e.time = clock.Now();
  e.hash = EntryHash(e);
  RETURN_IF_ERROR(
      tx.Exec("INSERT INTO audit_log (seq, time, user_id, username, role, unit_id, action, "
              "record_type, record_id, decision, reason, client_addr, request_id, prev_hash, hash)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              {e.seq, e.time, TextOrNull(e.user_id), TextOrNull(e.username), TextOrNull(e.role),
               TextOrNull(e.unit_id), e.action, TextOrNull(e.record_type), TextOrNull(e.record_id),
               e.decision, TextOrNull(e.reason), TextOrNull(e.client_addr),
               TextOrNull(e.request_id), e.prev_hash, e.hash})
          .status());
  RETURN_IF_ERROR(tx.Exec("UPDATE audit_head SET hash = ? WHERE id = 1", {e.hash}).status());
  return Status::Ok();
}

StatusOr<std::vector<Entry>> ListEntries(storage::Tx& tx, int limit,
                                         std::optional<int64_t> before_seq,
                                         const std::string& record_type,
                                         const std::string& record_id) {
  std::string sql = "SELECT " + std::string(kColumns) + " FROM audit_log WHERE seq < ?";
  storage::Params params = {before_seq.value_or(INT64_MAX)};
  if (!record_type.empty()) {
    sql += " AND record_type = ? AND record_id = ?";
    params.emplace_back(record_type);
    params.emplace_back(record_id);
  }
  sql += " ORDER BY seq DESC LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
  std::vector<Entry> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(FromRow(r));
  return out;
}

StatusOr<VerifyReport> Verify(storage::Store& store, const std::vector<Checkpoint>& external,
                              const std::string& trusted_public_key) {
  VerifyReport report;
  ASSIGN_OR_RETURN(auto tx, store.Begin(storage::TxMode::kRead));
  // Hash of the chain at each checkpointed position, filled while walking.
  ASSIGN_OR_RETURN(auto stored_cps, tx->Query("SELECT seq, hash, time, public_key, signature "
                                              "FROM audit_checkpoints ORDER BY seq"));
  std::vector<Checkpoint> cps;
  for (const auto& r : stored_cps) {
    cps.push_back({r.Int(0), r.Text(1), r.Int(2), r.Text(3), r.Text(4)});
  }
  cps.insert(cps.end(), external.begin(), external.end());
  std::map<int64_t, std::string> chain_hash_at;
  for (const auto& c : cps) chain_hash_at[c.seq] = "";

  std::string prev(kGenesis);
  int64_t expected = 1;
  int64_t last_seq = 0;
  constexpr int64_t kBatch = 5000;
  while (true) {
    ASSIGN_OR_RETURN(auto rows, tx->Query("SELECT " + std::string(kColumns) +
                                              " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
                                          {last_seq, kBatch}));
    for (const auto& r : rows) {
      Entry e = FromRow(r);
      ++report.entries;
      if (e.seq != expected) {
        report.problems.push_back({expected, "deleted",
                                   "entries " + std::to_string(expected) + " to " +
                                       std::to_string(e.seq - 1) + " are missing"});
      }
      if (EntryHash(e) != e.hash) {
        report.problems.push_back(
            {e.seq, "modified", "entry content does not match its hash (modified or moved)"});
      } else if (e.prev_hash != prev && e.seq == expected) {
        report.problems.push_back(
            {e.seq, "inserted_or_reordered",
             "entry does not link to the entry before it (an entry was inserted, removed or "
             "reordered here)"});
      }
      prev = e.hash;
      auto it = chain_hash_at.find(e.seq);
      if (it != chain_hash_at.end()) it->second = e.hash;
      expected = e.seq + 1;
      last_seq = e.seq;
    }
    if (static_cast<int64_t>(rows.size()) < kBatch) break;
  }
  ASSIGN_OR_RETURN(auto head, tx->QueryOne("SELECT seq, hash FROM audit_head WHERE id = 1"));
  if (!head) {
    report.problems.push_back({0, "truncated", "audit head row is missing"});
  } else if (head->Int(0) != last_seq || (last_seq > 0 && head->Text(1) != prev)) {
    report.problems.push_back({last_seq + 1, "truncated",
                               "the chain ends at " + std::to_string(last_seq) + " but " +
                                   std::to_string(head->Int(0)) +
                                   " entries were written (entries removed at the end)"});
  }
  for (const auto& c : cps) {
    ++report.checkpoints_checked;
    auto pub = crypto::Base64Decode(c.public_key);
    auto sig = crypto::Base64Decode(c.signature);
    bool sig_ok = pub.ok() && sig.ok() && pub->size() == 32 && sig->size() == 64;
    if (sig_ok) {
      std::string msg = SignedMessage(c.seq, c.hash, c.time);
      sig_ok = crypto::VerifySignature(
          std::span<const uint8_t, 32>(pub->data(), 32),
          std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(msg.data()), msg.size()),
          std::span<const uint8_t, 64>(sig->data(), 64));
    }
    if (!sig_ok) {
      report.problems.push_back({c.seq, "checkpoint", "checkpoint signature does not verify"});
      continue;
    }
    if (!trusted_public_key.empty() && c.public_key != trusted_public_key) {
      report.problems.push_back(
          {c.seq, "checkpoint", "checkpoint signed by a key that is not the trusted one"});
      continue;
    }
    const std::string& at = chain_hash_at[c.seq];
    if (at.empty()) {
      report.problems.push_back(
          {c.seq, "checkpoint", "checkpointed entry is missing from the chain (truncated)"});
    } else if (at != c.hash) {
      report.problems.push_back(
          {c.seq, "checkpoint", "the chain differs from what was signed at this checkpoint"});
    }
  }
  return report;
}

StatusOr<std::optional<Checkpoint>> WriteCheckpoint(storage::Store& store,
                                                    const crypto::SigningKey& key,
                                                    const Clock& clock) {
  std::optional<Checkpoint> made;
  RETURN_IF_ERROR(storage::WithTx(store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
    made.reset();
    ASSIGN_OR_RETURN(auto head, tx.QueryOne("SELECT seq, hash FROM audit_head WHERE id = 1"));
    if (!head || head->Int(0) == 0) return Status::Ok();
    ASSIGN_OR_RETURN(auto existing, tx.QueryOne("SELECT seq FROM audit_checkpoints WHERE seq = ?",
                                                {head->Int(0)}));
    if (existing) return Status::Ok();
    Checkpoint c;
    c.seq = head->Int(0);
    c.hash = head->Text(1);
    c.time = clock.Now();
    std::string msg = SignedMessage(c.seq, c.hash, c.time);
    auto sig = key.Sign(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(msg.data()), msg.size()));
    auto pub = key.PublicKey();
    c.public_key = crypto::Base64Encode(pub);
    c.signature = crypto::Base64Encode(sig);
    RETURN_IF_ERROR(tx.Exec("INSERT INTO audit_checkpoints (seq, hash, time, public_key, "
                            "signature) VALUES (?, ?, ?, ?, ?)",
                            {c.seq, c.hash, c.time, c.public_key, c.signature})
                        .status());
    made = c;
    return Status::Ok();
  }));
  return made;
}

StatusOr<std::vector<Checkpoint>> ListCheckpoints(storage::Store& store) {
  ASSIGN_OR_RETURN(auto tx, store.Begin(storage::TxMode::kRead));
  ASSIGN_OR_RETURN(auto rows, tx->Query("SELECT seq, hash, time, public_key, signature FROM "
                                        "audit_checkpoints ORDER BY seq"));
  std::vector<Checkpoint> out;
  for (const auto& r : rows) out.push_back({r.Int(0), r.Text(1), r.Int(2), r.Text(3), r.Text(4)});
  return out;
}

std::string CheckpointToJsonLine(const Checkpoint& c) {
  Json j = {{"seq", c.seq},
            {"hash", c.hash},
            {"time", FormatIsoTime(c.time)},
            {"time_us", c.time},
            {"public_key", c.public_key},
            {"signature", c.signature}};
  return DumpJson(j);
}

StatusOr<Checkpoint> CheckpointFromJsonLine(std::string_view line) {
  ASSIGN_OR_RETURN(Json j, ParseJson(line));
  if (!j.is_object()) return InvalidArgument("checkpoint line is not a JSON object");
  Checkpoint c;
  // get<int64_t>() would convert a float (undefined behaviour when out of range) or wrap a large
  // unsigned value: only integers that fit are accepted.
  for (const char* key : {"seq", "time_us"}) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer() ||
        (it->is_number_unsigned() && it->get<uint64_t>() > INT64_MAX)) {
      return InvalidArgument(std::string("checkpoint ") + key + " must be an integer");
    }
  }
  try {
    c.seq = j.at("seq").get<int64_t>();
    c.hash = j.at("hash").get<std::string>();
    c.time = j.at("time_us").get<int64_t>();
    c.public_key = j.at("public_key").get<std::string>();
    c.signature = j.at("signature").get<std::string>();
  } catch (const std::exception&) {
    return InvalidArgument("checkpoint line lacks seq, hash, time_us, public_key or signature");
  }
  return c;
}

}  // namespace tamkine::audit
