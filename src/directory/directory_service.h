// The directory services: services units offer (edited and published by the unit head or an
// administrator), the public directory (published services only, no login), shelters' occupancy
// (admissions and exits, never above capacity or below zero) and "find a bed" for staff, and the
// HSDS 3.0 export and all-or-nothing import. Every staff call is authorized and audited.
#pragma once

#include <vector>

#include "access/subject.h"
#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"
#include "directory/model.h"
#include "storage/store.h"

namespace tamkine::directory {

struct Deps {
  storage::Store* store = nullptr;
  const Clock* clock = nullptr;
};

struct ImportReport {
  int organizations_created = 0;
  int services_created = 0;
  int services_updated = 0;
};

class DirectoryService {
 public:
  explicit DirectoryService(Deps deps) : deps_(deps) {}

  // A new, unpublished service of in.unit_id. InvalidArgument naming the field for bad input
  // (unit_id when the unit does not exist); PermissionDenied unless head of that unit or admin.
  StatusOr<Service> Create(const access::RequestContext& ctx, ServiceInput in);
  // Replaces a service's description (in.unit_id is ignored; a service stays with its unit).
  // A shelter's capacity may not go below its occupancy, and a shelter stays a shelter.
  StatusOr<Service> Update(const access::RequestContext& ctx, const std::string& id,
                           ServiceInput in);
  StatusOr<Service> Get(const access::RequestContext& ctx, const std::string& id);
  StatusOr<std::vector<Service>> List(const access::RequestContext& ctx, ServiceFilter filter);
  // Publishes or withdraws a service; publish_availability only for shelters.
  StatusOr<Service> Publish(const access::RequestContext& ctx, const std::string& id,
                            const Publication& p);

  // Admissions and exits, by staff of the shelter's unit. FailedPrecondition naming "adults" or
  // "children" when there is not enough room (admission) or not that many people (exit); safe
  // under concurrent calls (a conditional update, checked by the database).
  StatusOr<Service> Admit(const access::RequestContext& ctx, const std::string& id,
                          const Movement& m);
  StatusOr<Service> Exit(const access::RequestContext& ctx, const std::string& id,
                         const Movement& m);

  // Shelters with room for q.adults and q.children in the region/province, nearest first when
  // q has coordinates (shelters without coordinates last), then most free beds.
  StatusOr<std::vector<BedMatch>> FindBed(const access::RequestContext& ctx, const BedQuery& q);

  // Published services only; no subject needed, not audited (public data).
  StatusOr<std::vector<Service>> PublicList(ServiceFilter filter);

  // The whole directory as HSDS 3.0 JSON (docs/directory.md).
  StatusOr<Json> ExportHsds(const access::RequestContext& ctx);
  // Published services only, as HSDS 3.0, for anyone: what PublicList shows (no occupancy
  // figures, no shelter address or position); no subject needed, not audited.
  StatusOr<Json> PublicHsds(ServiceFilter filter);
  // Imports an HSDS 3.0 document in one transaction: organisations become units (created when
  // missing), services are created or updated by id. InvalidArgument naming the JSON path of the
  // first error; nothing is written unless everything is valid. Administrators only.
  StatusOr<ImportReport> ImportHsds(const access::RequestContext& ctx, const Json& doc);

  // Creates a service without an acting subject (demo seeding), published as asked; audited as
  // "system".
  StatusOr<Service> CreateBootstrap(ServiceInput in, bool published, bool publish_availability);

 private:
  StatusOr<Service> Move(const access::RequestContext& ctx, const std::string& id,
                         const Movement& m, bool admission);
  Deps deps_;
};

}  // namespace tamkine::directory
