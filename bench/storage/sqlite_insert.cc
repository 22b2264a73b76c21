// The bare SQLite reference for durable intake: inserts rows of a given size, one transaction per
// row (BEGIN IMMEDIATE, INSERT, COMMIT), in WAL mode with synchronous=FULL, the durability Tamkine
// uses. Writers share nothing but the database file, each with its own connection, as a server's
// worker threads would. Prints `name: value` lines: rows per second, p50/p99 of a transaction.
//
//   sqlite_insert_bench --db FILE --rows N --bytes B [--threads T]
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

void Check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "sqlite_insert_bench: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
    std::exit(1);
  }
}

sqlite3* Open(const std::string& path) {
  sqlite3* db = nullptr;
  Check(sqlite3_open(path.c_str(), &db), db, "open");
  sqlite3_busy_timeout(db, 10000);
  Check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr,
                     nullptr),
        db, "pragmas");
  return db;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  long rows = 10000, bytes = 2000;
  int threads = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--db"))
      path = argv[i + 1];
    else if (!std::strcmp(argv[i], "--rows"))
      rows = std::atol(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--bytes"))
      bytes = std::atol(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--threads"))
      threads = std::atoi(argv[i + 1]);
  }
  if (path.empty() || rows <= 0 || bytes <= 0 || threads <= 0) {
    std::fprintf(stderr, "usage: sqlite_insert_bench --db FILE --rows N --bytes B [--threads T]\n");
    return 2;
  }
  {
    sqlite3* db = Open(path);
    Check(sqlite3_exec(db,
                       "CREATE TABLE IF NOT EXISTS t (id TEXT PRIMARY KEY, created_at INTEGER, "
                       "payload BLOB)",
                       nullptr, nullptr, nullptr),
          db, "create");
    sqlite3_close(db);
  }
  std::atomic<long> next{0};
  std::vector<std::vector<double>> lat(threads);
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      sqlite3* db = Open(path);
      sqlite3_stmt* ins = nullptr;
      Check(sqlite3_prepare_v2(db, "INSERT INTO t (id, created_at, payload) VALUES (?, ?, ?)", -1,
                               &ins, nullptr),
            db, "prepare");
      std::string payload(static_cast<size_t>(bytes), 'x');
      for (long n; (n = next.fetch_add(1)) < rows;) {
        // Payload bytes vary per row so that no page compresses or deduplicates.
        for (size_t k = 0; k < payload.size(); k += 64)
          payload[k] = static_cast<char>('a' + (n + k) % 26);
        std::string id = "row-" + std::to_string(n);
        auto t0 = std::chrono::steady_clock::now();
        Check(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), db, "begin");
        sqlite3_bind_text(ins, 1, id.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 2, n);
        sqlite3_bind_blob(ins, 3, payload.data(), static_cast<int>(payload.size()), SQLITE_STATIC);
        Check(sqlite3_step(ins), db, "insert");
        sqlite3_reset(ins);
        Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
        lat[t].push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
      }
      sqlite3_finalize(ins);
      sqlite3_close(db);
    });
  }
  for (auto& w : workers) w.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };
  std::printf("rows: %ld\nseconds: %.3f\nrows_per_second: %.1f\np50_ms: %.3f\np99_ms: %.3f\n", rows,
              seconds, static_cast<double>(rows) / seconds, pct(0.50), pct(0.99));
  return 0;
}
