#include "audit/audit_service.h"

#include "audit/guarded.h"

namespace tamkine::audit {

namespace {
StatusOr<access::Resource> AuditResource(storage::Tx&) { return access::Resource{"audit"}; }
}  // namespace

StatusOr<std::vector<Entry>> AuditService::List(const access::RequestContext& ctx, int limit,
                                                std::optional<int64_t> before_seq) {
  if (limit < 1 || limit > 500) return InvalidArgument("must be between 1 and 500", "limit");
  std::vector<Entry> out;
  RETURN_IF_ERROR(Guarded(*store_, *clock_, ctx, {"audit.read"}, AuditResource,
                          [&](storage::Tx& tx, const access::Decision&) -> Status {
                            ASSIGN_OR_RETURN(out, ListEntries(tx, limit, before_seq));
                            return Status::Ok();
                          }));
  return out;
}

StatusOr<VerifyReport> AuditService::Verify(const access::RequestContext& ctx) {
  // Authorize and audit first; the walk itself reads outside that transaction.
  RETURN_IF_ERROR(Guarded(*store_, *clock_, ctx, {"audit.verify"}, AuditResource,
                          [](storage::Tx&, const access::Decision&) { return Status::Ok(); }));
  return audit::Verify(*store_);
}

StatusOr<std::vector<Checkpoint>> AuditService::Checkpoints(const access::RequestContext& ctx) {
  RETURN_IF_ERROR(Guarded(*store_, *clock_, ctx, {"audit.read"}, AuditResource,
                          [](storage::Tx&, const access::Decision&) { return Status::Ok(); }));
  return ListCheckpoints(*store_);
}

}  // namespace tamkine::audit
