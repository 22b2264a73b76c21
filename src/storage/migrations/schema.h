// The database schema of Tamkine as an ordered list of migrations, one list per SQL dialect
// (most statements are shared; triggers differ). Applied at server start and by `tamkine migrate`.
#pragma once

#include <string_view>
#include <vector>

#include "storage/store.h"

namespace tamkine::storage {

// Every migration for `dialect` ("sqlite" or "postgresql"), in version order.
std::vector<Migration> SchemaMigrations(std::string_view dialect);

// The highest version this binary knows.
int LatestSchemaVersion();

}  // namespace tamkine::storage
