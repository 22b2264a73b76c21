// The audit log as administrators see it: paged reading and on-demand verification, both
// authorized and themselves audited.
#pragma once

#include <optional>
#include <vector>

#include "access/subject.h"
#include "audit/audit_log.h"
#include "common/clock.h"
#include "storage/store.h"

namespace tamkine::audit {

class AuditService {
 public:
  AuditService(storage::Store* store, const Clock* clock) : store_(store), clock_(clock) {}

  // Newest first; `limit` 1..500.
  StatusOr<std::vector<Entry>> List(const access::RequestContext& ctx, int limit,
                                    std::optional<int64_t> before_seq);
  StatusOr<VerifyReport> Verify(const access::RequestContext& ctx);
  StatusOr<std::vector<Checkpoint>> Checkpoints(const access::RequestContext& ctx);

 private:
  storage::Store* store_;
  const Clock* clock_;
};

}  // namespace tamkine::audit
