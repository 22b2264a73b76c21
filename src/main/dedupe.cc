#include "main/dedupe.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "matching/batch.h"

namespace tamkine::app {
namespace {

// A progress bar redrawn in place on a terminal at most ten times a second; elsewhere (a log
// file, a pipe) one line per finished phase.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled), tty_(isatty(STDERR_FILENO) == 1) {}

  void Update(const matching::BatchProgress& p) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    bool finished = p.total != 0 && p.done >= p.total;
    if (std::string(p.phase) != phase_) {
      EndPhase();
      phase_ = std::string(p.phase);
      phase_start_ = now;
    }
    last_ = p;
    if (!tty_) {
      if (finished) EndPhase();
      return;
    }
    if (!finished && now - drawn_ < std::chrono::milliseconds(100)) return;
    drawn_ = now;
    constexpr int kWidth = 30;
    if (p.total == 0) {
      std::fprintf(stderr, "\r%-9s %zu lines", phase_.c_str(), p.done);
    } else {
      int fill = static_cast<int>(kWidth * p.done / p.total);
      std::string bar(static_cast<size_t>(fill), '#');
      bar.resize(kWidth, '-');
      std::fprintf(stderr, "\r%-9s [%s] %3d%% %zu/%zu", phase_.c_str(), bar.c_str(),
                   static_cast<int>(100 * p.done / p.total), p.done, p.total);
    }
    std::fflush(stderr);
    if (finished) EndPhase();
  }

  // Ends the current line before a message is printed, so messages never land inside the bar.
  void Interrupt() {
    if (enabled_ && tty_ && !phase_.empty() && !ended_) {
      std::fprintf(stderr, "\n");
      ended_ = true;
    }
  }

  void EndPhase() {
    if (!enabled_ || phase_.empty() || closed_ == phase_) return;
    double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - phase_start_).count();
    if (tty_ && !ended_) std::fprintf(stderr, "\n");
    if (!tty_ || ended_) {
      std::fprintf(stderr, "%s: %zu done in %.1f s\n", phase_.c_str(), last_.done, s);
    }
    closed_ = phase_;
    ended_ = false;
  }

 private:
  bool enabled_, tty_;
  bool ended_ = false;
  std::string phase_, closed_;
  matching::BatchProgress last_;
  std::chrono::steady_clock::time_point phase_start_, drawn_;
};

}  // namespace

int RunDedupe(const DedupeOptions& o) {
  if (o.threads < 1 || o.threads > 64) {
    std::fprintf(stderr, "tamkine dedupe: --threads must be between 1 and 64\n");
    return 2;
  }
  std::ifstream in(o.input, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "tamkine dedupe: cannot read %s\n", o.input.c_str());
    return 1;
  }
  std::ofstream out(o.output, std::ios::binary | std::ios::trunc);
  if (!out) {
    std::fprintf(stderr, "tamkine dedupe: cannot write %s\n", o.output.c_str());
    return 1;
  }
  matching::BatchOptions bo;
  bo.include_possible = o.include_possible;
  bo.threads = o.threads;
  ProgressBar bar(!o.no_progress);
  auto start = std::chrono::steady_clock::now();
  auto summary = matching::RunBatch(
      in, out, bo,
      [&](const matching::BatchProblem& p) {
        bar.Interrupt();
        std::fprintf(stderr, "%s:%zu: %s: %s\n", o.input.c_str(), p.line,
                     p.error ? "error" : "warning", p.message.c_str());
      },
      [&](const matching::BatchProgress& p) { bar.Update(p); });
  bar.EndPhase();
  if (!summary.ok()) {
    std::fprintf(stderr, "tamkine dedupe: %s\n", summary.status().ToString().c_str());
    return 1;
  }
  out.close();
  if (!out) {
    std::fprintf(stderr, "tamkine dedupe: writing %s failed\n", o.output.c_str());
    return 1;
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr,
               "%zu lines: %zu persons indexed, %zu lines skipped (errors above), %zu warnings; "
               "%zu probable pairs",
               summary->lines, summary->persons, summary->skipped, summary->warnings,
               summary->probable_pairs);
  if (o.include_possible) std::fprintf(stderr, " and %zu possible pairs", summary->possible_pairs);
  std::fprintf(stderr, " written to %s in %.1f s\n", o.output.c_str(), s);
  return 0;
}

CLI::App* AddDedupeCommand(CLI::App& app, DedupeOptions* o) {
  auto* cmd = app.add_subcommand(
      "dedupe",
      "find probable duplicate persons in a JSON-lines register (one pair per output line)");
  cmd->add_option("--input", o->input,
                  "persons, one JSON object per line: id, given_name, family_name or full_name, "
                  "date_of_birth, cin, phone, city")
      ->required();
  cmd->add_option("--output", o->output, "pairs, one JSON object per line")->required();
  cmd->add_flag("--include-possible", o->include_possible,
                "also write possible duplicates (\"decision\": \"possible\") for review");
  cmd->add_option("--threads", o->threads, "worker threads")->capture_default_str();
  cmd->add_flag("--no-progress", o->no_progress, "no progress bar on standard error");
  return cmd;
}

}  // namespace tamkine::app
