// The SQL of each schema version, one function per version, each in its own file (v1 lives in
// schema.cc). `pg` selects PostgreSQL's variant where the dialects differ (triggers).
#pragma once

#include <string>

namespace tamkine::storage {

std::string V1IdentityAudit(bool pg);
std::string V2Cases(bool pg);          // v002_cases.cc
std::string V3Duplicates(bool pg);     // v003_duplicates.cc
std::string V4Directory(bool pg);      // v004_directory.cc
std::string V5Coordination(bool pg);   // v005_coordination.cc
std::string V6Referrals(bool pg);      // v006_referrals.cc
std::string V7Notifications(bool pg);  // v007_notifications.cc
std::string V8Stats(bool pg);          // v008_stats.cc

}  // namespace tamkine::storage
