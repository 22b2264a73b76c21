#include "directory/directory_service.h"

#include <algorithm>
#include <map>

#include "audit/audit_log.h"
#include "audit/guarded.h"
#include "common/ids.h"
#include "directory/directory_store.h"
#include "directory/hsds.h"
#include "directory/validate.h"
#include "identity/unit_service.h"
#include "reference/regions.h"

namespace tamkine::directory {

namespace {

access::Resource ServiceResource(const Service& s) {
  access::Resource r{"directory_service", s.id, s.unit_id};
  r.region_code = s.region_code;
  return r;
}

StatusOr<Service> MustLoad(storage::Tx& tx, const std::string& id) {
  ASSIGN_OR_RETURN(auto s, LoadService(tx, id));
  if (!s) return NotFound("no such service");
  return *s;
}

// Applies validated input to an existing service, keeping its id, unit, publication and
// occupancy. InvalidArgument when the capacity would drop below the occupancy.
StatusOr<Service> Apply(const Service& old, const ServiceInput& in, Micros now) {
  if (old.shelter && !in.shelter) {
    return FailedPrecondition("a shelter stays a shelter; add a new service instead", "services");
  }
  ServiceInput copy = in;
  copy.unit_id = old.unit_id;
  Service s = FromInput(copy, old.id, old.unit_name, old.sector, old.province_code, now);
  s.published = old.published;
  s.created_at = old.created_at;
  if (s.shelter && old.shelter) {
    if (s.shelter->beds < old.shelter->beds_occupied) {
      return InvalidArgument(
          "is below the " + std::to_string(old.shelter->beds_occupied) + " beds occupied now",
          "shelter.beds");
    }
    if (s.shelter->child_places < old.shelter->children_occupied) {
      return InvalidArgument("is below the " + std::to_string(old.shelter->children_occupied) +
                                 " places for children occupied now",
                             "shelter.child_places");
    }
    s.shelter->beds_occupied = old.shelter->beds_occupied;
    s.shelter->children_occupied = old.shelter->children_occupied;
    s.shelter->publish_availability = old.shelter->publish_availability;
  }
  return s;
}

}  // namespace

StatusOr<Service> DirectoryService::Create(const access::RequestContext& ctx, ServiceInput in) {
  RETURN_IF_ERROR(ValidateServiceInput(&in));
  Service out;
  const std::string id = NewId();
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"directory.write"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(auto unit, identity::LoadUnit(tx, in.unit_id));
        if (!unit) return InvalidArgument("is not a known unit", "unit_id");
        out = FromInput(in, id, unit->name, unit->sector, unit->province_code, deps_.clock->Now());
        return ServiceResource(out);
      },
      [&](storage::Tx& tx, const access::Decision&) { return InsertService(tx, out); }));
  return out;
}

StatusOr<Service> DirectoryService::CreateBootstrap(ServiceInput in, bool published,
                                                    bool publish_availability) {
  RETURN_IF_ERROR(ValidateServiceInput(&in));
  Service out;
  RETURN_IF_ERROR(storage::WithTx(*deps_.store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
    ASSIGN_OR_RETURN(auto unit, identity::LoadUnit(tx, in.unit_id));
    if (!unit) return InvalidArgument("is not a known unit", "unit_id");
    out = FromInput(in, NewId(), unit->name, unit->sector, unit->province_code, deps_.clock->Now());
    out.published = published;
    if (out.shelter) out.shelter->publish_availability = publish_availability;
    RETURN_IF_ERROR(InsertService(tx, out));
    audit::Entry e;
    e.username = "system";
    e.action = "directory.write";
    e.record_type = "directory_service";
    e.record_id = out.id;
    e.unit_id = out.unit_id;
    e.decision = "allowed";
    e.reason = "bootstrap";
    return audit::Append(tx, *deps_.clock, e);
  }));
  return out;
}

StatusOr<Service> DirectoryService::Update(const access::RequestContext& ctx, const std::string& id,
                                           ServiceInput in) {
  RETURN_IF_ERROR(ValidateServiceInput(&in));
  Service out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"directory.write"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(out, MustLoad(tx, id));
        return ServiceResource(out);
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        ASSIGN_OR_RETURN(out, Apply(out, in, deps_.clock->Now()));
        return UpdateService(tx, out);
      }));
  return out;
}

StatusOr<Service> DirectoryService::Get(const access::RequestContext& ctx, const std::string& id) {
  Service out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"directory.read", /*audit_allowed=*/false},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(out, MustLoad(tx, id));
        return ServiceResource(out);
      },
      [](storage::Tx&, const access::Decision&) { return Status::Ok(); }));
  return out;
}

StatusOr<std::vector<Service>> DirectoryService::List(const access::RequestContext& ctx,
                                                      ServiceFilter filter) {
  std::vector<Service> out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"directory.read", /*audit_allowed=*/false},
      [](storage::Tx&) -> StatusOr<access::Resource> {
        return access::Resource{"directory_service"};
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        ASSIGN_OR_RETURN(out, QueryServices(tx, filter));
        return Status::Ok();
      }));
  return out;
}

StatusOr<std::vector<Service>> DirectoryService::PublicList(ServiceFilter filter) {
  filter.published_only = true;
  filter.unit_id.reset();
  ASSIGN_OR_RETURN(auto tx, deps_.store->Begin(storage::TxMode::kRead));
  ASSIGN_OR_RETURN(auto out, QueryServices(*tx, filter));
  RETURN_IF_ERROR(tx->Commit());
  return out;
}

StatusOr<Service> DirectoryService::Publish(const access::RequestContext& ctx,
                                            const std::string& id, const Publication& p) {
  Service out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"directory.publish"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(out, MustLoad(tx, id));
        return ServiceResource(out);
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        if (p.publish_availability && !out.shelter) {
          return InvalidArgument("is only for shelters", "publish_availability");
        }
        out.published = p.published;
        out.updated_at = deps_.clock->Now();
        if (out.shelter && p.publish_availability) {
          out.shelter->publish_availability = *p.publish_availability;
        }
        return UpdateService(tx, out);
      }));
  return out;
}

StatusOr<Service> DirectoryService::Admit(const access::RequestContext& ctx, const std::string& id,
                                          const Movement& m) {
  return Move(ctx, id, m, true);
}

StatusOr<Service> DirectoryService::Exit(const access::RequestContext& ctx, const std::string& id,
                                         const Movement& m) {
  return Move(ctx, id, m, false);
}

StatusOr<Service> DirectoryService::Move(const access::RequestContext& ctx, const std::string& id,
                                         const Movement& m, bool admission) {
  RETURN_IF_ERROR(ValidateMovement(m));
  Service out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {admission ? "shelter.admit" : "shelter.exit"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(out, MustLoad(tx, id));
        if (!out.shelter) return FailedPrecondition("this service is not a shelter");
        return ServiceResource(out);
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        Micros now = deps_.clock->Now();
        int64_t sign = admission ? 1 : -1;
        // The condition is evaluated on the row as locked by the update itself, so two
        // admissions racing for the last bed cannot both succeed (SQLite serialises writers;
        // PostgreSQL re-checks the WHERE clause after waiting for the row lock).
        std::string guard = admission ? "beds_occupied + ? <= beds AND children_occupied + ? <= "
                                        "child_places"
                                      : "beds_occupied - ? >= 0 AND children_occupied - ? >= 0";
        ASSIGN_OR_RETURN(
            int64_t changed,
            tx.Exec("UPDATE shelters SET beds_occupied = beds_occupied + ?, children_occupied = "
                    "children_occupied + ?, updated_at = ? WHERE service_id = ? AND " +
                        guard,
                    {sign * m.adults, sign * m.children, now, id, m.adults, m.children}));
        if (changed == 0) {
          ASSIGN_OR_RETURN(Service cur, MustLoad(tx, id));
          const Shelter& h = *cur.shelter;
          if (admission) {
            bool beds_short = h.beds_free() < m.adults;
            return FailedPrecondition("not enough room: " + std::to_string(h.beds_free()) +
                                          " beds and " + std::to_string(h.child_places_free()) +
                                          " places for children are free",
                                      beds_short ? "adults" : "children");
          }
          bool adults_short = h.beds_occupied < m.adults;
          return FailedPrecondition("the shelter has " + std::to_string(h.beds_occupied) +
                                        " women and " + std::to_string(h.children_occupied) +
                                        " children",
                                    adults_short ? "adults" : "children");
        }
        ASSIGN_OR_RETURN(out, MustLoad(tx, id));
        return tx
            .Exec(
                "INSERT INTO shelter_movements (id, service_id, kind, adults, children, "
                "beds_occupied_after, children_occupied_after, user_id, at) VALUES (?, ?, ?, "
                "?, ?, ?, ?, ?, ?)",
                {NewId(), id, admission ? "admission" : "exit", m.adults, m.children,
                 out.shelter->beds_occupied, out.shelter->children_occupied, ctx.subject->user_id,
                 now})
            .status();
      }));
  return out;
}

StatusOr<std::vector<BedMatch>> DirectoryService::FindBed(const access::RequestContext& ctx,
                                                          const BedQuery& q) {
  RETURN_IF_ERROR(ValidateCoordinates(q.latitude, q.longitude, ""));
  if (q.adults < 0 || q.adults > 50) return InvalidArgument("must be between 0 and 50", "adults");
  if (q.children < 0 || q.children > 50) {
    return InvalidArgument("must be between 0 and 50", "children");
  }
  if (q.province_code && reference::FindProvince(*q.province_code) == nullptr) {
    return InvalidArgument("is not a known province code", "province_code");
  }
  std::vector<BedMatch> out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"shelter.find", /*audit_allowed=*/false},
      [](storage::Tx&) -> StatusOr<access::Resource> {
        return access::Resource{"directory_service"};
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        ServiceFilter f;
        f.kind = "shelter";
        f.region_code = q.region_code;
        f.province_code = q.province_code;
        ASSIGN_OR_RETURN(auto services, QueryServices(tx, f));
        for (auto& s : services) {
          if (!s.shelter || s.shelter->beds_free() < q.adults ||
              s.shelter->child_places_free() < q.children) {
            continue;
          }
          BedMatch m;
          if (q.latitude && s.latitude) {
            m.distance_km = HaversineKm(*q.latitude, *q.longitude, *s.latitude, *s.longitude);
          }
          m.service = std::move(s);
          out.push_back(std::move(m));
        }
        return Status::Ok();
      }));
  std::stable_sort(out.begin(), out.end(), [](const BedMatch& a, const BedMatch& b) {
    if (a.distance_km.has_value() != b.distance_km.has_value()) return a.distance_km.has_value();
    if (a.distance_km && *a.distance_km != *b.distance_km) return *a.distance_km < *b.distance_km;
    return a.service.shelter->beds_free() > b.service.shelter->beds_free();
  });
  return out;
}

namespace {

// The HSDS document of `services`, their units read in the same transaction.
StatusOr<Json> BuildHsds(storage::Tx& tx, const std::vector<Service>& services) {
  std::vector<HsdsOrganization> orgs;
  std::map<std::string, bool> seen;
  for (const auto& s : services) {
    if (seen[s.unit_id]) continue;
    seen[s.unit_id] = true;
    ASSIGN_OR_RETURN(auto unit, identity::LoadUnit(tx, s.unit_id));
    if (!unit) return Internal("a service names a unit that does not exist");
    orgs.push_back({unit->id, unit->name, unit->sector, unit->province_code, ""});
  }
  std::sort(orgs.begin(), orgs.end(), [](const auto& a, const auto& b) {
    return a.name != b.name ? a.name < b.name : a.id < b.id;
  });
  return ToHsds(orgs, services);
}

}  // namespace

StatusOr<Json> DirectoryService::ExportHsds(const access::RequestContext& ctx) {
  Json out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"directory.export"},
      [](storage::Tx&) -> StatusOr<access::Resource> {
        return access::Resource{"directory_service"};
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        ASSIGN_OR_RETURN(auto services, QueryServices(tx, ServiceFilter{}));
        ASSIGN_OR_RETURN(out, BuildHsds(tx, services));
        return Status::Ok();
      }));
  return out;
}

StatusOr<Json> DirectoryService::PublicHsds(ServiceFilter filter) {
  filter.published_only = true;
  filter.unit_id.reset();
  ASSIGN_OR_RETURN(auto tx, deps_.store->Begin(storage::TxMode::kRead));
  ASSIGN_OR_RETURN(auto services, QueryServices(*tx, filter));
  for (auto& s : services) {
    if (!s.shelter) continue;
    // The safety of the women inside: no address, no position, no figures.
    s.address.reset();
    s.latitude.reset();
    s.longitude.reset();
    s.shelter.reset();
  }
  ASSIGN_OR_RETURN(Json out, BuildHsds(*tx, services));
  RETURN_IF_ERROR(tx->Commit());
  return out;
}

StatusOr<ImportReport> DirectoryService::ImportHsds(const access::RequestContext& ctx,
                                                    const Json& doc) {
  ASSIGN_OR_RETURN(HsdsDocument parsed, ParseHsds(doc));
  ImportReport report;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"directory.import"},
      [](storage::Tx&) -> StatusOr<access::Resource> {
        return access::Resource{"directory_service"};
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        report = ImportReport{};  // the transaction may be retried
        Micros now = deps_.clock->Now();
        std::map<std::string, identity::Unit> units;
        for (const auto& o : parsed.organizations) {
          ASSIGN_OR_RETURN(auto unit, identity::LoadUnit(tx, o.id));
          if (unit) {
            if (unit->sector != o.sector) {
              return InvalidArgument("names a unit of sector " + unit->sector,
                                     o.path + ".attributes");
            }
          } else {
            identity::Unit u;
            u.id = o.id;
            u.name = o.name;
            u.sector = o.sector;
            u.province_code = o.province_code;
            u.region_code = reference::RegionOfProvince(o.province_code);
            u.created_at = u.updated_at = now;
            RETURN_IF_ERROR(identity::InsertUnit(tx, u));
            unit = u;
            ++report.organizations_created;
          }
          units[o.id] = *unit;
        }
        for (const auto& h : parsed.services) {
          const identity::Unit& unit = units.at(h.input.unit_id);
          Service s = FromInput(h.input, h.id, unit.name, unit.sector, unit.province_code, now);
          s.published = h.published;
          if (s.shelter) {
            s.shelter->beds_occupied = h.beds_occupied;
            s.shelter->children_occupied = h.children_occupied;
            s.shelter->publish_availability = h.publish_availability;
            if (h.capacity_updated) s.shelter->updated_at = *h.capacity_updated;
          }
          ASSIGN_OR_RETURN(auto old, LoadService(tx, h.id));
          if (old) {
            if (old->unit_id != s.unit_id) {
              return InvalidArgument("is a service of another unit", h.path + ".id");
            }
            if (old->shelter && !s.shelter) {
              return InvalidArgument("a shelter stays a shelter", h.path + ".attributes");
            }
            s.created_at = old->created_at;
            RETURN_IF_ERROR(UpdateService(tx, s));
            ++report.services_updated;
          } else {
            RETURN_IF_ERROR(InsertService(tx, s));
            ++report.services_created;
          }
        }
        return Status::Ok();
      }));
  return report;
}

}  // namespace tamkine::directory
