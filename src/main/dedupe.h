// `tamkine dedupe`: finds probable duplicate persons in an imported register (JSON lines in,
// JSON lines of pairs out), with a progress bar and line-numbered errors on standard error. The
// work is matching::RunBatch; this file is the command line around it.
#pragma once

#include <string>

namespace CLI {  // NOLINT(readability-identifier-naming): CLI11's namespace
class App;
}  // namespace CLI

namespace tamkine::app {

struct DedupeOptions {
  std::string input;
  std::string output;
  bool include_possible = false;
  int threads = 2;
  bool no_progress = false;
};

// Adds the `dedupe` subcommand, its options bound to *o; returns it.
CLI::App* AddDedupeCommand(CLI::App& app, DedupeOptions* o);

// Runs the command: 0 when done (bad lines, reported and skipped, included); 1 when the input or
// output cannot be used; 2 on invalid options.
int RunDedupe(const DedupeOptions& o);

}  // namespace tamkine::app
