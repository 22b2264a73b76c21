// Intake check latency: the engine time of MatchIndex::Query (normalising the new person, looking
// up her blocking keys, scoring the candidates, building the answer) with the register indexed,
// one query at a time on one thread. Reports p50/p90/p99/p99.9 and max over the query file, and
// the memory of the index.
//
//   matching_query_bench --persons=PERSONS.jsonl --queries=QUERIES.jsonl [benchmark flags]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "matching/batch.h"
#include "matching/match_index.h"

namespace {

using tamkine::matching::MatchIndex;
using tamkine::matching::PersonRecord;

std::string g_persons, g_queries;

std::vector<PersonRecord> ReadRecords(const std::string& path) {
  std::vector<PersonRecord> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto r = tamkine::matching::ParsePersonLine(line);
    if (r.ok()) out.push_back(std::move(*r));
  }
  return out;
}

long RssKb() {
  std::ifstream s("/proc/self/status");
  std::string line;
  while (std::getline(s, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

struct Fixture {
  MatchIndex index;
  std::vector<PersonRecord> queries;
  double build_seconds = 0;
  long index_kb = 0;
};

Fixture& Get() {
  static Fixture* f = [] {
    auto* fx = new Fixture();
    long before = RssKb();
    auto start = std::chrono::steady_clock::now();
    {
      std::vector<PersonRecord> persons = ReadRecords(g_persons);
      // Normalise on two threads, index on one (as the batch command does).
      std::vector<tamkine::matching::NormalizedPerson> norm(persons.size());
      std::vector<char> ok(persons.size(), 0);
      auto work = [&](size_t t) {
        for (size_t i = t; i < persons.size(); i += 2) {
          auto p = tamkine::matching::Normalize(persons[i]);
          if (p.ok()) {
            norm[i] = std::move(*p);
            ok[i] = 1;
          }
        }
      };
      {
        std::jthread other(work, 1);
        work(0);
      }
      for (size_t i = 0; i < persons.size(); ++i) {
        if (ok[i]) fx->index.Upsert(persons[i].id, std::move(norm[i]));
      }
    }
    fx->build_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fx->index_kb = RssKb() - before;
    fx->queries = ReadRecords(g_queries);
    return fx;
  }();
  return *f;
}

void BM_IntakeQuery(benchmark::State& state) {
  Fixture& f = Get();
  if (f.queries.empty()) {
    state.SkipWithError("no queries");
    return;
  }
  std::vector<double> us;
  us.reserve(f.queries.size());
  size_t i = 0, found = 0;
  for (auto _ : state) {
    const PersonRecord& q = f.queries[i++ % f.queries.size()];
    auto t0 = std::chrono::steady_clock::now();
    auto r = f.index.Query(q, 10);
    auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(r);
    if (r.ok()) found += r->empty() ? 0 : 1;
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::sort(us.begin(), us.end());
  auto pct = [&](double p) {
    return us[std::min(us.size() - 1, static_cast<size_t>(p * static_cast<double>(us.size())))];
  };
  state.counters["indexed"] = static_cast<double>(f.index.size());
  state.counters["queries"] = static_cast<double>(us.size());
  state.counters["p50_us"] = pct(0.50);
  state.counters["p90_us"] = pct(0.90);
  state.counters["p99_us"] = pct(0.99);
  state.counters["p999_us"] = pct(0.999);
  state.counters["max_us"] = us.back();
  state.counters["with_candidates"] = static_cast<double>(found) / static_cast<double>(us.size());
  state.counters["build_s"] = f.build_seconds;
  state.counters["index_mb"] = static_cast<double>(f.index_kb) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--persons=", 10) == 0) {
      g_persons = argv[i] + 10;
    } else if (std::strncmp(argv[i], "--queries=", 10) == 0) {
      g_queries = argv[i] + 10;
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (g_persons.empty() || g_queries.empty()) {
    std::fprintf(stderr, "usage: %s --persons=PERSONS.jsonl --queries=QUERIES.jsonl\n", argv[0]);
    return 2;
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  Get();  // build the index before timing starts
  const auto queries = static_cast<benchmark::IterationCount>(Get().queries.size());
  benchmark::RegisterBenchmark("BM_IntakeQuery", BM_IntakeQuery)
      ->Iterations(std::max<benchmark::IterationCount>(queries, 1))
      ->Unit(benchmark::kMicrosecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
