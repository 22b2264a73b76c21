#include "crash_support.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>

namespace tamkine::testing {

namespace {

constexpr char kAdminTotp[] = "TAMKINEADMINDEMOTOTPSECRET234567";
constexpr char kDemoPassword[] = "Tamkine-Demo-2026";

class SqliteDb final : public DirectDb {
 public:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  ~SqliteDb() override { sqlite3_close_v2(db_); }
  std::vector<std::vector<std::string>> Query(const std::string& sql) override {
    std::vector<std::vector<std::string>> out;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      out.push_back({"<error: " + std::string(sqlite3_errmsg(db_)) + ">"});
      return out;
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const unsigned char* t = sqlite3_column_text(stmt, i);
        row.emplace_back(t == nullptr ? "<null>" : reinterpret_cast<const char*>(t));
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    return out;
  }
  std::map<std::string, std::vector<std::string>> DumpAll() override {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& t : Query("SELECT name FROM sqlite_master WHERE type = 'table'")) {
      std::string expr;
      for (const auto& c : Query("SELECT name FROM pragma_table_info('" + t[0] + "')")) {
        expr += (expr.empty() ? "quote(\"" : " || ',' || quote(\"") + c[0] + "\")";
      }
      auto& rows = out[t[0]];
      for (const auto& r : Query("SELECT " + expr + " FROM \"" + t[0] + "\"")) rows.push_back(r[0]);
      std::sort(rows.begin(), rows.end());
    }
    return out;
  }

 private:
  sqlite3* db_;
};

class PostgresDb final : public DirectDb {
 public:
  explicit PostgresDb(PGconn* conn) : conn_(conn) {}
  ~PostgresDb() override { PQfinish(conn_); }
  std::vector<std::vector<std::string>> Query(const std::string& sql) override {
    std::vector<std::vector<std::string>> out;
    PGresult* res = PQexec(conn_, sql.c_str());
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
      out.push_back({"<error: " + std::string(PQerrorMessage(conn_)) + ">"});
    } else {
      for (int r = 0; r < PQntuples(res); ++r) {
        std::vector<std::string> row;
        for (int c = 0; c < PQnfields(res); ++c) {
          row.emplace_back(PQgetisnull(res, r, c) ? "<null>" : PQgetvalue(res, r, c));
        }
        out.push_back(std::move(row));
      }
    }
    PQclear(res);
    return out;
  }
  std::map<std::string, std::vector<std::string>> DumpAll() override {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& t : Query("SELECT table_name FROM information_schema.tables WHERE "
                               "table_schema = current_schema() AND table_type = 'BASE TABLE'")) {
      auto& rows = out[t[0]];
      for (const auto& r : Query("SELECT CAST(x AS TEXT) FROM \"" + t[0] + "\" AS x")) {
        rows.push_back(r[0]);
      }
      std::sort(rows.begin(), rows.end());
    }
    return out;
  }

 private:
  PGconn* conn_;
};

}  // namespace

std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

int EnvInt(const char* name, int fallback) {
  std::string v = Env(name);
  return v.empty() ? fallback : std::atoi(v.c_str());
}

std::unique_ptr<PgCluster> PgCluster::Start(std::string* why) {
  const std::string bin = Env("PGBIN", "/usr/lib/postgresql/15/bin");
  if (!std::filesystem::exists(bin + "/initdb")) {
    *why = "PostgreSQL server binaries not found in " + bin;
    return nullptr;
  }
  char tmpl[] = "/tmp/tkpg.XXXXXX";  // short: the socket path must fit in 107 bytes
  if (::mkdtemp(tmpl) == nullptr) {
    *why = "mkdtemp failed";
    return nullptr;
  }
  std::unique_ptr<PgCluster> c(new PgCluster());
  c->dir_ = tmpl;
  std::string out;
  if (!c->Run("start", &out) || out.empty()) {
    *why = "tools/pg-test-cluster start failed";
    return nullptr;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  c->url_ = out;
  return c;
}

PgCluster::~PgCluster() { Run("stop"); }

bool PgCluster::Run(const std::string& action, std::string* out) {
  std::string cmd = "bash " TAMKINE_SOURCE_DIR "/tools/pg-test-cluster " + action + " " + dir_;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return false;
  char buf[512];
  std::string text;
  while (std::fgets(buf, sizeof buf, p) != nullptr) text += buf;
  int rc = ::pclose(p);
  if (out != nullptr) *out = text;
  return rc == 0;
}

bool PgCluster::StopImmediate() { return Run("stop-immediate"); }
bool PgCluster::StartAgain() { return Run("start"); }
bool PgCluster::RestartImmediate() { return Run("restart-immediate"); }

std::string DirectDb::Scalar(const std::string& sql) {
  auto rows = Query(sql);
  if (rows.empty() || rows[0].empty()) return "<none>";
  return rows[0][0];
}

std::unique_ptr<DirectDb> DirectDb::OpenSqlite(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close_v2(db);
    return nullptr;
  }
  sqlite3_busy_timeout(db, 5000);
  return std::make_unique<SqliteDb>(db);
}

std::unique_ptr<DirectDb> DirectDb::OpenPostgres(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    PQfinish(conn);
    return nullptr;
  }
  return std::make_unique<PostgresDb>(conn);
}

std::vector<std::string> CheckConsistency(DirectDb& db,
                                          const std::vector<std::string>& acknowledged) {
  std::vector<std::string> problems;
  std::set<std::string> present;
  for (const auto& r : db.Query("SELECT username FROM users")) present.insert(r[0]);
  for (const auto& u : acknowledged) {
    if (present.count(u) == 0) problems.push_back("acknowledged user " + u + " is missing");
  }
  struct Check {
    const char* what;
    const char* sql;
  };
  for (const auto& c : {
           Check{"users without a membership",
                 "SELECT COUNT(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM memberships m "
                 "WHERE m.user_id = u.id)"},
           Check{"users without their user.create audit entry",
                 "SELECT COUNT(*) FROM users u WHERE NOT EXISTS "
                 "(SELECT 1 FROM audit_log a WHERE a.action = 'user.create' AND a.decision = "
                 "'allowed' AND a.record_id = u.id)"},
           Check{"user.create audit entries without their user",
                 "SELECT COUNT(*) FROM audit_log a WHERE a.action = 'user.create' AND a.decision "
                 "= 'allowed' AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = a.record_id)"},
           Check{"memberships without their user",
                 "SELECT COUNT(*) FROM memberships m WHERE NOT EXISTS (SELECT 1 FROM users u "
                 "WHERE u.id = m.user_id)"},
           Check{"an audit head that is not the last entry",
                 "SELECT COUNT(*) FROM audit_head h WHERE h.seq <> (SELECT COALESCE(MAX(seq), 0) "
                 "FROM audit_log) OR (h.seq > 0 AND h.hash <> (SELECT hash FROM audit_log WHERE "
                 "seq = h.seq))"},
       }) {
    std::string n = db.Scalar(c.sql);
    if (n != "0") problems.push_back(std::string(c.what) + ": " + n);
  }
  return problems;
}

Client Session::For(int port) const {
  Client c(port);
  c.cookies = cookies;
  c.csrf = csrf;
  return c;
}

Session AdminSession(int port) {
  Session s;
  for (int attempt = 0; attempt < 3; ++attempt) {
    Client c(port);
    auto r = c.Login("admin", kDemoPassword, kAdminTotp);
    if (r.status == 200) {
      s.cookies = c.cookies;
      s.csrf = c.csrf;
      return s;
    }
    // This 30-second step's code was used already (another test signed in): wait for the next.
    std::this_thread::sleep_for(std::chrono::seconds(31 - time(nullptr) % 30));
  }
  return s;
}

std::string PoliceUnit(int port, const Session& s) {
  Client c = s.For(port);
  auto units = c.Get("/api/v1/units?sector=police").json();
  if (!units.contains("items") || units["items"].empty()) return {};
  return units["items"][0].value("id", "");
}

Deployment Deploy(const std::string& database_url, const std::string& data_dir) {
  Deployment d;
  d.server = std::make_unique<ServerProcess>(database_url, std::vector<std::string>{}, data_dir);
  if (!d.server->started()) {
    d.problem = "the server did not start: " + d.server->output();
    return d;
  }
  d.admin = AdminSession(d.server->port());
  if (d.admin.cookies.empty()) {
    d.problem = "the administrator could not sign in";
    return d;
  }
  d.unit = PoliceUnit(d.server->port(), d.admin);
  if (d.unit.empty()) d.problem = "no police unit in the demo data";
  return d;
}

void Outcome::Record(int status, const std::string& body, const std::string& username) {
  std::lock_guard<std::mutex> lock(mu);
  ++statuses[status];
  if (status == 201) acknowledged.push_back(username);
  if (status >= 500 && status != 503) {
    server_errors.push_back(std::to_string(status) + " " + body.substr(0, 300));
  }
}

HttpResponse CreateOne(Client& c, const std::string& unit_id, const std::string& name) {
  Json body = {{"username", name},
               {"display_name", "Crash " + name},
               {"password", "Crash-Test-Passw0rd-2026"},
               {"memberships", Json::array({{{"unit_id", unit_id}, {"role", "officer"}}})}};
  return c.Send("POST", "/api/v1/users", body);
}

Writers::Writers(int writers, int port, const Session& s, std::string unit_id, std::string prefix,
                 Outcome* out) {
  for (int k = 0; k < writers; ++k) {
    threads_.emplace_back([this, k, port, s, unit_id, prefix, out] {
      Client c = s.For(port);
      for (int i = 0; !stop_; ++i) {
        const std::string name = prefix + "w" + std::to_string(k) + "n" + std::to_string(i);
        HttpResponse r = CreateOne(c, unit_id, name);
        out->Record(r.status, r.body, name);
        if (r.status == 0 || r.status == 429 || r.status == 503) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }
    });
  }
}

Writers::~Writers() { Stop(); }

void Writers::Stop() {
  stop_ = true;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

}  // namespace tamkine::testing
