// v8: statistics (docs/statistics.md). The in-memory case facts are brought up to date before
// each query from the cases changed since the last look, which needs cases by update time.
#include "storage/migrations/versions.h"

namespace tamkine::storage {

std::string V8Stats(bool /*pg*/) {
  return "CREATE INDEX cases_by_updated ON cases (updated_at);\n";
}

}  // namespace tamkine::storage
