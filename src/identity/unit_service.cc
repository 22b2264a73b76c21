#include "identity/unit_service.h"

#include "audit/audit_log.h"
#include "audit/guarded.h"
#include "common/ids.h"
#include "common/json.h"
#include "identity/validation.h"
#include "reference/regions.h"

namespace tamkine::identity {

namespace {

constexpr std::string_view kColumns =
    "id, name, sector, region_code, province_code, address, phone, email, active, created_at, "
    "updated_at";

Unit FromRow(const storage::Row& r) {
  Unit u;
  u.id = r.Text(0);
  u.name = r.Text(1);
  u.sector = r.Text(2);
  u.region_code = static_cast<int>(r.Int(3));
  u.province_code = r.Text(4);
  u.address = r.OptText(5);
  u.phone = r.OptText(6);
  u.email = r.OptText(7);
  u.active = r.Bool(8);
  u.created_at = r.Int(9);
  u.updated_at = r.Int(10);
  return u;
}

Status ValidateContact(std::optional<std::string>* address, std::optional<std::string>* phone,
                       const std::optional<std::string>& email) {
  if (*address) RETURN_IF_ERROR(ValidateText(**address, "address", 1, 500));
  if (*phone) {
    ASSIGN_OR_RETURN(**phone, NormalisePhone(**phone, "phone"));
  }
  if (email) RETURN_IF_ERROR(ValidateEmail(*email, "email"));
  return Status::Ok();
}

}  // namespace

StatusOr<std::optional<Unit>> LoadUnit(storage::Tx& tx, const std::string& id) {
  ASSIGN_OR_RETURN(
      auto row, tx.QueryOne("SELECT " + std::string(kColumns) + " FROM units WHERE id = ?", {id}));
  if (!row) return std::optional<Unit>();
  return std::optional<Unit>(FromRow(*row));
}

StatusOr<Unit> UnitService::Prepare(const UnitInput& input) {
  UnitInput in = input;
  RETURN_IF_ERROR(ValidateText(in.name, "name", 2, 200));
  RETURN_IF_ERROR(ValidateSector(in.sector, "sector"));
  const reference::Province* p = reference::FindProvince(in.province_code);
  if (p == nullptr) return InvalidArgument("is not a known province code", "province_code");
  int region = reference::RegionOfProvince(in.province_code);
  if (in.region_code && *in.region_code != region) {
    return InvalidArgument("does not contain the given province", "region_code");
  }
  RETURN_IF_ERROR(ValidateContact(&in.address, &in.phone, in.email));
  Unit u;
  u.id = NewId();
  u.name = in.name;
  u.sector = in.sector;
  u.region_code = region;
  u.province_code = in.province_code;
  u.address = in.address;
  u.phone = in.phone;
  u.email = in.email;
  u.created_at = u.updated_at = deps_.clock->Now();
  return u;
}

Status UnitService::Insert(storage::Tx& tx, const Unit& u) { return InsertUnit(tx, u); }

Status InsertUnit(storage::Tx& tx, const Unit& u) {
  return tx
      .Exec("INSERT INTO units (" + std::string(kColumns) +
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            {u.id, u.name, u.sector, static_cast<int64_t>(u.region_code), u.province_code,
             storage::Opt(u.address), storage::Opt(u.phone), storage::Opt(u.email), u.created_at,
             u.updated_at})
      .status();
}

StatusOr<Unit> UnitService::Create(const access::RequestContext& ctx, const UnitInput& in) {
  ASSIGN_OR_RETURN(Unit u, Prepare(in));
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"unit.create"},
      [&](storage::Tx&) -> StatusOr<access::Resource> {
        return access::Resource{"unit", u.id};
      },
      [&](storage::Tx& tx, const access::Decision&) { return Insert(tx, u); }));
  return u;
}

StatusOr<Unit> UnitService::CreateBootstrap(const UnitInput& in) {
  ASSIGN_OR_RETURN(Unit u, Prepare(in));
  RETURN_IF_ERROR(storage::WithTx(*deps_.store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
    RETURN_IF_ERROR(Insert(tx, u));
    audit::Entry e;
    e.username = "system";
    e.action = "unit.create";
    e.record_type = "unit";
    e.record_id = u.id;
    e.decision = "allowed";
    e.reason = "bootstrap";
    return audit::Append(tx, *deps_.clock, e);
  }));
  return u;
}

StatusOr<Unit> UnitService::Update(const access::RequestContext& ctx, const std::string& id,
                                   const UnitPatch& input) {
  UnitPatch patch = input;
  if (patch.name) RETURN_IF_ERROR(ValidateText(*patch.name, "name", 2, 200));
  RETURN_IF_ERROR(ValidateContact(&patch.address, &patch.phone, patch.email));
  Unit out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"unit.update"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(auto u, LoadUnit(tx, id));
        if (!u) return NotFound("no such unit");
        out = *u;
        return access::Resource{"unit", id, id};
      },
      [&](storage::Tx& tx, const access::Decision&) {
        if (patch.name) out.name = *patch.name;
        if (patch.address) out.address = patch.address;
        if (patch.phone) out.phone = patch.phone;
        if (patch.email) out.email = patch.email;
        if (patch.active) out.active = *patch.active;
        out.updated_at = deps_.clock->Now();
        return tx
            .Exec(
                "UPDATE units SET name = ?, address = ?, phone = ?, email = ?, active = ?, "
                "updated_at = ? WHERE id = ?",
                {out.name, storage::Opt(out.address), storage::Opt(out.phone),
                 storage::Opt(out.email), storage::Bool(out.active), out.updated_at, id})
            .status();
      }));
  return out;
}

StatusOr<Unit> UnitService::Get(const access::RequestContext& ctx, const std::string& id) {
  Unit out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"unit.read", /*audit_allowed=*/false},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(auto u, LoadUnit(tx, id));
        if (!u) return NotFound("no such unit");
        out = *u;
        return access::Resource{"unit", id, id};
      },
      [](storage::Tx&, const access::Decision&) { return Status::Ok(); }));
  return out;
}

StatusOr<std::vector<Unit>> UnitService::List(const access::RequestContext& ctx,
                                              const UnitFilter& filter) {
  std::vector<Unit> out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"unit.list", /*audit_allowed=*/false},
      [](storage::Tx&) -> StatusOr<access::Resource> { return access::Resource{"unit"}; },
      [&](storage::Tx& tx, const access::Decision&) {
        std::string sql = "SELECT " + std::string(kColumns) + " FROM units WHERE 1 = 1";
        storage::Params params;
        if (filter.region_code) {
          sql += " AND region_code = ?";
          params.emplace_back(*filter.region_code);
        }
        if (filter.province_code) {
          sql += " AND province_code = ?";
          params.emplace_back(*filter.province_code);
        }
        if (filter.sector) {
          sql += " AND sector = ?";
          params.emplace_back(*filter.sector);
        }
        sql += " ORDER BY province_code, sector, name LIMIT 5000";
        ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
        for (const auto& r : rows) out.push_back(FromRow(r));
        return Status::Ok();
      }));
  return out;
}

}  // namespace tamkine::identity
