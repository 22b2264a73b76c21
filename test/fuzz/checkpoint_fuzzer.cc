// libFuzzer target: the audit checkpoint JSON-lines parser used by `tamkine audit verify
// --checkpoints FILE`, whose input comes from outside the system. A parsed checkpoint must
// serialise and parse back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "audit/audit_log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace audit = tamkine::audit;
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto c = audit::CheckpointFromJsonLine(line);
  if (!c.ok()) return 0;
  auto again = audit::CheckpointFromJsonLine(audit::CheckpointToJsonLine(*c));
  if (!again.ok() || again->seq != c->seq || again->hash != c->hash || again->time != c->time ||
      again->public_key != c->public_key || again->signature != c->signature) {
    std::abort();
  }
  return 0;
}
