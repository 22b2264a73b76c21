// Guarded: the shape every domain read and write takes — authorize, act, audit — in one
// transaction. An allowed action and its audit entry commit together or not at all; a denied
// attempt is audited in a transaction of its own (the action's transaction is rolled back).
#pragma once

#include <functional>
#include <string_view>

#include "access/authorize.h"
#include "access/subject.h"
#include "common/clock.h"
#include "common/status.h"
#include "storage/store.h"

namespace tamkine::audit {

struct GuardSpec {
  std::string_view action;    // a policy action, e.g. "user.create"
  bool audit_allowed = true;  // false only for high-volume reads of non-sensitive data
};

// Resolves the resource inside the transaction (so the decision sees committed state).
// NotFound from it is returned as is (after auditing a denied attempt when the subject could not
// have seen the record anyway).
using ResolveFn = std::function<StatusOr<access::Resource>(storage::Tx&)>;
// The action itself; `decision` says which role granted it.
using ActFn = std::function<Status(storage::Tx&, const access::Decision& decision)>;

// Runs resolve → Authorize → act → audit in one write transaction (read-only when nothing is
// audited). Returns Unauthenticated without a subject, PermissionDenied when denied.
Status Guarded(storage::Store& store, const Clock& clock, const access::RequestContext& ctx,
               const GuardSpec& spec, const ResolveFn& resolve, const ActFn& act);

// Appends one audit entry for `ctx` in its own transaction (e.g. login attempts).
Status AuditStandalone(storage::Store& store, const Clock& clock, const access::RequestContext& ctx,
                       std::string_view action, const access::Resource& resource, bool allowed,
                       std::string_view reason, std::string_view role = {},
                       std::string_view unit_id = {});

}  // namespace tamkine::audit
