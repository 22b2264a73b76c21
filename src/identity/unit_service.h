// Units: the police, prosecution, health, NGO, child-protection and commission offices that work
// on cases, placed in a region and province. Every call is authorized and audited.
#pragma once

#include <vector>

#include "access/subject.h"
#include "common/status.h"
#include "identity/deps.h"
#include "identity/model.h"

namespace tamkine::identity {

class UnitService {
 public:
  explicit UnitService(Deps deps) : deps_(deps) {}

  // InvalidArgument naming the field for an unknown sector or province, a region that does not
  // contain the province, or a malformed phone/e-mail.
  StatusOr<Unit> Create(const access::RequestContext& ctx, const UnitInput& in);
  // NotFound for an unknown id.
  StatusOr<Unit> Update(const access::RequestContext& ctx, const std::string& id,
                        const UnitPatch& patch);
  StatusOr<Unit> Get(const access::RequestContext& ctx, const std::string& id);
  StatusOr<std::vector<Unit>> List(const access::RequestContext& ctx, const UnitFilter& filter);

  // Creates a unit without an acting subject (deployment set-up, demo seeding); audited as
  // "system".
  StatusOr<Unit> CreateBootstrap(const UnitInput& in);

 private:
  StatusOr<Unit> Prepare(const UnitInput& in);
  static Status Insert(storage::Tx& tx, const Unit& u);
  Deps deps_;
};

// Reads one unit inside a transaction (shared with the user service).
StatusOr<std::optional<Unit>> LoadUnit(storage::Tx& tx, const std::string& id);

// Inserts an already validated unit inside a transaction the caller audits (the directory's HSDS
// import creates the organisations it names). AlreadyExists when the id is taken.
Status InsertUnit(storage::Tx& tx, const Unit& u);

}  // namespace tamkine::identity
