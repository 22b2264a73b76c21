#include "backup/logical.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "crypto/encoding.h"

namespace tamkine::backup {

namespace {

constexpr int kPageRows = 100;            // rows read per query while exporting
constexpr size_t kMaxInsertParams = 900;  // below SQLite's and PostgreSQL's limits
constexpr size_t kMaxInsertRows = 200;

bool IsPostgres(std::string_view dialect) { return dialect == "postgresql"; }

StatusOr<std::vector<std::string>> TextColumn(storage::Tx& tx, std::string_view sql,
                                              const storage::Params& params = {}) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(r.Text(0));
  return out;
}

// Orders tables so that referenced ones come first; name order among equals and for cycles.
std::vector<TableInfo> DependencyOrder(std::vector<TableInfo> tables) {
  std::sort(tables.begin(), tables.end(),
            [](const TableInfo& a, const TableInfo& b) { return a.name < b.name; });
  std::vector<TableInfo> out;
  std::set<std::string> placed;
  std::vector<bool> done(tables.size(), false);
  while (out.size() < tables.size()) {
    bool progressed = false;
    for (size_t i = 0; i < tables.size(); ++i) {
      if (done[i]) continue;
      bool ready = std::all_of(
          tables[i].references.begin(), tables[i].references.end(), [&](const std::string& ref) {
            return ref == tables[i].name || placed.count(ref) > 0 ||
                   std::none_of(tables.begin(), tables.end(),
                                [&](const TableInfo& t) { return t.name == ref; });
          });
      if (!ready) continue;
      out.push_back(tables[i]);
      placed.insert(tables[i].name);
      done[i] = true;
      progressed = true;
      break;  // restart so that name order is kept among the tables now ready
    }
    if (!progressed) {  // a cycle: the rest in name order
      for (size_t i = 0; i < tables.size(); ++i) {
        if (!done[i]) out.push_back(tables[i]);
      }
      break;
    }
  }
  return out;
}

bool PlainText(const std::string& s) {
  return ValidateText(s, "", 0, SIZE_MAX, /*multiline=*/true).ok();
}

Json EncodeCell(const storage::Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return nullptr;
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%a", *d);
    return Json{{"f", buf}};
  }
  if (const auto* s = std::get_if<std::string>(&v)) {
    if (PlainText(*s)) return *s;
    return Json{{"t", crypto::Base64Encode(std::span<const uint8_t>(
                          reinterpret_cast<const uint8_t*>(s->data()), s->size()))}};
  }
  const auto& b = std::get<storage::Blob>(v);
  return Json{{"b", crypto::Base64Encode(b.bytes)}};
}

StatusOr<storage::Value> DecodeCell(const Json& j) {
  if (j.is_null()) return storage::Null();
  if (j.is_number_integer()) {
    if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      return FailedPrecondition("backup cell integer out of range");
    }
    return storage::Value(j.get<int64_t>());
  }
  if (j.is_string()) return storage::Value(j.get<std::string>());
  if (j.is_object() && j.size() == 1) {
    auto first = j.begin();
    const std::string& key = first.key();
    const Json& inner = first.value();
    if (inner.is_string()) {
      const auto& text = inner.get_ref<const std::string&>();
      if (key == "f") {
        char* end = nullptr;
        double d = std::strtod(text.c_str(), &end);
        if (end != text.c_str() + text.size() || text.empty()) {
          return FailedPrecondition("backup cell has a malformed number");
        }
        return storage::Value(d);
      }
      if (key == "b" || key == "t") {
        auto bytes = crypto::Base64Decode(text);
        if (!bytes.ok()) return FailedPrecondition("backup cell has malformed base64");
        if (key == "b") return storage::Value(storage::Blob{std::move(*bytes)});
        return storage::Value(std::string(bytes->begin(), bytes->end()));
      }
    }
  }
  return FailedPrecondition("backup cell of an unknown kind");
}

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& c : columns) {
    if (!out.empty()) out += ", ";
    out += QuoteIdentifier(c);
  }
  return out;
}

std::string Placeholders(size_t n) {
  std::string out = "(";
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out + ")";
}

}  // namespace

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

StatusOr<std::vector<TableInfo>> ListTables(storage::Tx& tx, std::string_view dialect) {
  std::vector<TableInfo> tables;
  if (IsPostgres(dialect)) {
    ASSIGN_OR_RETURN(auto seqs, tx.QueryOne("SELECT COUNT(*) FROM information_schema.sequences "
                                            "WHERE sequence_schema = current_schema()"));
    if (seqs && seqs->Int(0) > 0) {
      return FailedPrecondition("the schema uses sequences, which a logical backup cannot carry");
    }
    ASSIGN_OR_RETURN(auto names,
                     TextColumn(tx,
                                "SELECT CAST(table_name AS TEXT) FROM information_schema.tables "
                                "WHERE table_schema = current_schema() AND table_type = 'BASE "
                                "TABLE'"));
    for (auto& name : names) {
      TableInfo t;
      t.name = name;
      ASSIGN_OR_RETURN(
          t.columns, TextColumn(tx,
                                "SELECT CAST(column_name AS TEXT) FROM information_schema.columns "
                                "WHERE table_schema = current_schema() AND "
                                "CAST(table_name AS TEXT) = CAST(? AS TEXT) "
                                "ORDER BY ordinal_position",
                                {name}));
      ASSIGN_OR_RETURN(
          t.primary_key,
          TextColumn(
              tx,
              "SELECT CAST(k.column_name AS TEXT) FROM information_schema.table_constraints c "
              "JOIN information_schema.key_column_usage k ON k.constraint_schema = "
              "c.constraint_schema AND k.constraint_name = c.constraint_name AND "
              "k.table_name = c.table_name WHERE c.table_schema = current_schema() AND "
              "CAST(c.table_name AS TEXT) = CAST(? AS TEXT) AND c.constraint_type = "
              "'PRIMARY KEY' ORDER BY k.ordinal_position",
              {name}));
      ASSIGN_OR_RETURN(
          t.references,
          TextColumn(tx,
                     "SELECT DISTINCT CAST(u.table_name AS TEXT) FROM "
                     "information_schema.table_constraints c JOIN "
                     "information_schema.constraint_column_usage u ON u.constraint_schema = "
                     "c.constraint_schema AND u.constraint_name = c.constraint_name WHERE "
                     "c.table_schema = current_schema() AND CAST(c.table_name AS TEXT) = "
                     "CAST(? AS TEXT) AND c.constraint_type = 'FOREIGN KEY'",
                     {name}));
      tables.push_back(std::move(t));
    }
  } else {
    ASSIGN_OR_RETURN(auto seq, tx.QueryOne("SELECT COUNT(*) FROM sqlite_master WHERE name = "
                                           "'sqlite_sequence'"));
    if (seq && seq->Int(0) > 0) {
      return FailedPrecondition(
          "the schema uses AUTOINCREMENT, whose counters a logical backup cannot carry");
    }
    ASSIGN_OR_RETURN(auto names, TextColumn(tx,
                                            "SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"));
    for (auto& name : names) {
      TableInfo t;
      t.name = name;
      ASSIGN_OR_RETURN(auto cols,
                       tx.Query("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", {name}));
      std::map<int64_t, std::string> pk;
      for (const auto& c : cols) {
        t.columns.push_back(c.Text(0));
        if (c.Int(1) > 0) pk[c.Int(1)] = c.Text(0);
      }
      for (auto& [pos, col] : pk) t.primary_key.push_back(col);
      ASSIGN_OR_RETURN(
          t.references,
          TextColumn(tx, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)", {name}));
      tables.push_back(std::move(t));
    }
  }
  return DependencyOrder(std::move(tables));
}

StatusOr<LogicalStats> ExportLogical(storage::Store& store,
                                     const std::function<Status(std::string_view)>& sink) {
  ASSIGN_OR_RETURN(auto tx, store.Begin(storage::TxMode::kRead));
  ASSIGN_OR_RETURN(auto tables, ListTables(*tx, store.Dialect()));
  LogicalStats stats;
  RETURN_IF_ERROR(sink(DumpJson(Json{{"tamkine_logical", kLogicalVersion}}) + "\n"));
  for (const auto& t : tables) {
    RETURN_IF_ERROR(sink(DumpJson(Json{{"table", t.name}, {"columns", t.columns}}) + "\n"));
    std::vector<size_t> pk_index;
    for (const auto& k : t.primary_key) {
      pk_index.push_back(static_cast<size_t>(std::find(t.columns.begin(), t.columns.end(), k) -
                                             t.columns.begin()));
    }
    const std::string select =
        "SELECT " + ColumnList(t.columns) + " FROM " + QuoteIdentifier(t.name);
    const std::string order =
        " ORDER BY " + ColumnList(t.primary_key) + " LIMIT " + std::to_string(kPageRows);
    const std::string after =
        " WHERE (" + ColumnList(t.primary_key) + ") > " + Placeholders(t.primary_key.size());
    int64_t rows = 0;
    storage::Params last;
    while (true) {
      std::vector<storage::Row> page;
      if (t.primary_key.empty()) {
        ASSIGN_OR_RETURN(page, tx->Query(select));
      } else {
        std::string sql = select;
        if (!last.empty()) sql += after;
        sql += order;
        ASSIGN_OR_RETURN(page, tx->Query(sql, last));
      }
      for (const auto& r : page) {
        Json cells = Json::array();
        for (const auto& v : r.values) cells.push_back(EncodeCell(v));
        RETURN_IF_ERROR(sink(DumpJson(cells) + "\n"));
      }
      rows += static_cast<int64_t>(page.size());
      if (t.primary_key.empty() || page.size() < static_cast<size_t>(kPageRows)) break;
      last.clear();
      for (size_t i : pk_index) last.push_back(page.back().values[i]);
    }
    RETURN_IF_ERROR(sink(DumpJson(Json{{"end_table", t.name}, {"rows", rows}}) + "\n"));
    ++stats.tables;
    stats.rows += rows;
  }
  RETURN_IF_ERROR(
      sink(DumpJson(Json{{"end", true}, {"tables", stats.tables}, {"rows", stats.rows}}) + "\n"));
  RETURN_IF_ERROR(tx->Commit());
  return stats;
}

StatusOr<Json> LogicalChecker::Check(std::string_view line) {
  auto parsed = ParseJson(line, 8);
  if (!parsed.ok()) return FailedPrecondition("backup line is not valid JSON");
  Json j = std::move(*parsed);
  auto bad = [](const std::string& what) { return FailedPrecondition("backup stream: " + what); };
  switch (state_) {
    case State::kStart:
      if (!j.is_object() || j.value("tamkine_logical", 0) != kLogicalVersion) {
        return bad("not a logical backup of a known version");
      }
      state_ = State::kBetweenTables;
      return j;
    case State::kBetweenTables:
      if (j.is_object() && j.contains("table") && j["table"].is_string() && j.contains("columns") &&
          j["columns"].is_array() && !j["columns"].empty()) {
        for (const auto& c : j["columns"]) {
          if (!c.is_string()) return bad("column names must be strings");
        }
        table_ = j["table"].get<std::string>();
        columns_ = j["columns"].size();
        table_rows_ = 0;
        state_ = State::kInTable;
        return j;
      }
      if (j.is_object() && j.value("end", false)) {
        if (j.value("tables", int64_t{-1}) != stats_.tables ||
            j.value("rows", int64_t{-1}) != stats_.rows) {
          return bad("the end marker's counts do not match the data");
        }
        state_ = State::kEnded;
        return j;
      }
      return bad("expected a table or the end marker");
    case State::kInTable:
      if (j.is_array()) {
        if (j.size() != columns_) return bad("a row of " + table_ + " has the wrong width");
        ++table_rows_;
        return j;
      }
      if (j.is_object() && j.value("end_table", std::string()) == table_) {
        if (j.value("rows", int64_t{-1}) != table_rows_) {
          return bad("row count of " + table_ + " does not match");
        }
        ++stats_.tables;
        stats_.rows += table_rows_;
        state_ = State::kBetweenTables;
        return j;
      }
      return bad("expected a row of " + table_ + " or its end");
    case State::kEnded:
      return bad("data after the end marker");
  }
  return bad("unreachable");
}

StatusOr<LogicalStats> LogicalChecker::Finish() const {
  if (state_ != State::kEnded) return FailedPrecondition("backup stream ends early");
  return stats_;
}

LogicalImporter::LogicalImporter(storage::Tx& tx, std::string_view dialect,
                                 std::vector<TableInfo> target)
    : tx_(tx), dialect_(dialect), target_(std::move(target)) {}

Status LogicalImporter::Line(std::string_view line) {
  ASSIGN_OR_RETURN(Json j, checker_.Check(line));
  if (!started_) RETURN_IF_ERROR(DeferForeignKeys());
  started_ = true;
  if (j.is_array()) {
    storage::Params row;
    row.reserve(j.size());
    for (const auto& cell : j) {
      ASSIGN_OR_RETURN(auto v, DecodeCell(cell));
      row.push_back(std::move(v));
    }
    pending_.push_back(std::move(row));
    if ((pending_.size() + 1) * columns_ > kMaxInsertParams || pending_.size() >= kMaxInsertRows) {
      RETURN_IF_ERROR(Flush());
    }
    return Status::Ok();
  }
  if (j.contains("table")) {
    const std::string name = j["table"].get<std::string>();
    auto it = std::find_if(target_.begin(), target_.end(),
                           [&](const TableInfo& t) { return t.name == name; });
    if (it == target_.end()) {
      return FailedPrecondition("the backup has a table " + name +
                                " that this database does not (another schema version?)");
    }
    if (std::find(restored_.begin(), restored_.end(), name) != restored_.end()) {
      return FailedPrecondition("the backup has table " + name + " twice");
    }
    std::vector<std::string> cols = j["columns"].get<std::vector<std::string>>();
    std::vector<std::string> a = cols, b = it->columns;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    if (a != b) {
      return FailedPrecondition("the columns of " + name +
                                " differ between the backup and this database");
    }
    restored_.push_back(name);
    // Only rows that the migrations inserted can be there: the target was empty.
    RETURN_IF_ERROR(tx_.Exec("DELETE FROM " + QuoteIdentifier(name)).status());
    insert_prefix_ = "INSERT INTO " + QuoteIdentifier(name) + " (" + ColumnList(cols) + ") VALUES ";
    columns_ = cols.size();
    return Status::Ok();
  }
  if (j.contains("end_table")) return Flush();
  return Status::Ok();
}

// Tables arrive in dependency order, but a table may reference itself (a case linked to a later
// one) or tables may reference each other: foreign keys are checked at the end instead. SQLite
// has a pragma for that. PostgreSQL defers only DEFERRABLE constraints, so the schema's are made
// deferrable for this transaction and put back in Finish (DDL is transactional there).
Status LogicalImporter::DeferForeignKeys() {
  if (!IsPostgres(dialect_)) return tx_.Exec("PRAGMA defer_foreign_keys = ON").status();
  ASSIGN_OR_RETURN(auto fks, tx_.Query("SELECT CAST(CAST(conrelid AS regclass) AS TEXT), "
                                       "CAST(conname AS TEXT) FROM pg_constraint WHERE contype = "
                                       "'f' AND NOT condeferrable AND connamespace = "
                                       "CAST(current_schema() AS regnamespace)"));
  for (const auto& fk : fks) {
    // regclass text is already a quoted, usable table name.
    std::string alter = "ALTER TABLE " + fk.Text(0) + " ALTER CONSTRAINT ";
    alter += QuoteIdentifier(fk.Text(1));
    RETURN_IF_ERROR(tx_.Exec(alter + " DEFERRABLE INITIALLY IMMEDIATE").status());
    made_deferrable_.push_back(std::move(alter));
  }
  return tx_.Exec("SET CONSTRAINTS ALL DEFERRED").status();
}

Status LogicalImporter::Flush() {
  if (pending_.empty()) return Status::Ok();
  std::string sql = insert_prefix_;
  storage::Params params;
  params.reserve(pending_.size() * columns_);
  const std::string one = Placeholders(columns_);
  for (size_t i = 0; i < pending_.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += one;
    for (auto& v : pending_[i]) params.push_back(std::move(v));
  }
  pending_.clear();
  return tx_.Exec(sql, params).status();
}

StatusOr<LogicalStats> LogicalImporter::Finish() {
  RETURN_IF_ERROR(Flush());
  ASSIGN_OR_RETURN(LogicalStats stats, checker_.Finish());
  if (IsPostgres(dialect_)) {
    // Checks every deferred foreign key now (a violation fails here), then restores the schema.
    RETURN_IF_ERROR(tx_.Exec("SET CONSTRAINTS ALL IMMEDIATE").status());
    for (const auto& alter : made_deferrable_) {
      RETURN_IF_ERROR(tx_.Exec(alter + " NOT DEFERRABLE").status());
    }
  }
  for (const auto& t : target_) {
    if (std::find(restored_.begin(), restored_.end(), t.name) == restored_.end()) {
      return FailedPrecondition("the backup has no table " + t.name +
                                " (made with another schema version?)");
    }
  }
  return stats;
}

Status LineSplitter::Feed(std::string_view bytes) {
  while (!bytes.empty()) {
    size_t nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      partial_.append(bytes);
      return Status::Ok();
    }
    if (partial_.empty()) {
      RETURN_IF_ERROR(on_line_(bytes.substr(0, nl)));
    } else {
      partial_.append(bytes.substr(0, nl));
      RETURN_IF_ERROR(on_line_(partial_));
      partial_.clear();
    }
    bytes.remove_prefix(nl + 1);
  }
  return Status::Ok();
}

Status LineSplitter::Finish() const {
  if (!partial_.empty()) return FailedPrecondition("backup stream ends in the middle of a line");
  return Status::Ok();
}

}  // namespace tamkine::backup
