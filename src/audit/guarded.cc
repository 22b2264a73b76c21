#include "audit/guarded.h"

#include "audit/audit_log.h"

namespace tamkine::audit {

namespace {

Entry MakeEntry(const access::RequestContext& ctx, std::string_view action,
                const access::Resource& resource, bool allowed, std::string_view reason,
                std::string_view role, std::string_view unit_id) {
  Entry e;
  if (ctx.subject != nullptr) {
    e.user_id = ctx.subject->user_id;
    e.username = ctx.subject->username;
  }
  e.role = std::string(role);
  e.unit_id = std::string(unit_id);
  e.action = std::string(action);
  e.record_type = resource.type;
  e.record_id = resource.id;
  e.decision = allowed ? "allowed" : "denied";
  e.reason = std::string(reason);
  e.client_addr = ctx.client_addr;
  e.request_id = ctx.request_id;
  return e;
}

}  // namespace

Status AuditStandalone(storage::Store& store, const Clock& clock, const access::RequestContext& ctx,
                       std::string_view action, const access::Resource& resource, bool allowed,
                       std::string_view reason, std::string_view role, std::string_view unit_id) {
  return storage::WithTx(store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
    return Append(tx, clock, MakeEntry(ctx, action, resource, allowed, reason, role, unit_id));
  });
}

Status Guarded(storage::Store& store, const Clock& clock, const access::RequestContext& ctx,
               const GuardSpec& spec, const ResolveFn& resolve, const ActFn& act) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  std::optional<std::pair<access::Resource, access::Decision>> denied;
  storage::TxMode mode = spec.audit_allowed ? storage::TxMode::kWrite : storage::TxMode::kRead;
  Status st = storage::WithTx(store, mode, [&](storage::Tx& tx) -> Status {
    denied.reset();
    ASSIGN_OR_RETURN(access::Resource resource, resolve(tx));
    access::Decision d = access::Authorize(*ctx.subject, spec.action, resource);
    if (!d.allowed) {
      denied.emplace(resource, d);
      return PermissionDenied("not allowed: " + d.reason);
    }
    RETURN_IF_ERROR(act(tx, d));
    if (spec.audit_allowed) {
      RETURN_IF_ERROR(Append(
          tx, clock, MakeEntry(ctx, spec.action, resource, true, d.reason, d.role, d.unit_id)));
    }
    return Status::Ok();
  });
  if (denied) {
    // The denial is recorded even though the action's transaction was rolled back.
    Status a = AuditStandalone(store, clock, ctx, spec.action, denied->first, false,
                               denied->second.reason);
    if (!a.ok()) return a;
  }
  return st;
}

}  // namespace tamkine::audit
