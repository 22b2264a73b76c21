// Cases: opening a case from an intake on any channel, attaching later intakes, incidents with
// their GBVIMS classification, the danger assessment, the care/child and justice tracks, the
// compartments' notes, the timeline, search, and the survivor's follow-up code. Every call is
// authorized and audited (audit::Guarded); reads show only what the viewer may see.
#pragma once

#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "access/subject.h"
#include "cases/deps.h"
#include "cases/model.h"
#include "common/status.h"

namespace tamkine::cases {

class CaseService {
 public:
  explicit CaseService(Deps deps) : deps_(std::move(deps)) {}

  // Opens a case at the intake's receiving unit (the user must work there) with its survivor,
  // incidents, consents and risk assessment, and issues her follow-up code (returned once).
  // InvalidArgument naming the field for bad input (future incident, birth after the incident,
  // unknown enum, consent for a unit that does not exist, ...); nothing is written then.
  StatusOr<CreatedCase> Create(const access::RequestContext& ctx, const NewCaseInput& in);

  // Records a new intake on an existing case at the caller's unit, with her consent for that unit
  // (she is present and quotes her reference code). PermissionDenied when the code does not match.
  StatusOr<CaseView> AttachIntake(const access::RequestContext& ctx, const std::string& case_id,
                                  const AttachIntakeInput& in);

  // The core, plus the summary when the viewer may read the case (audited as case.read too).
  StatusOr<CaseView> Get(const access::RequestContext& ctx, const std::string& case_id);
  // The full identity: an explicit, audited view.
  StatusOr<SurvivorIdentity> GetIdentity(const access::RequestContext& ctx,
                                         const std::string& case_id);
  // Replaces the survivor's identity and profile.
  StatusOr<SurvivorIdentity> UpdateSurvivor(const access::RequestContext& ctx,
                                            const std::string& case_id, const SurvivorInput& in,
                                            const std::optional<std::string>& acting_unit_id);

  StatusOr<IncidentView> AddIncident(const access::RequestContext& ctx, const std::string& case_id,
                                     const IncidentInput& in,
                                     const std::optional<std::string>& acting_unit_id);

  // A high result alerts the heads of the assessing, holding and opening units.
  StatusOr<RiskView> AssessRisk(const access::RequestContext& ctx, const std::string& case_id,
                                const RiskInput& in,
                                const std::optional<std::string>& acting_unit_id);

  // Moves a track (lifecycle.h's table; who may is the policy's). FailedPrecondition for a move
  // that does not exist or when the track moved meanwhile.
  StatusOr<CaseView> Transition(const access::RequestContext& ctx, const std::string& case_id,
                                const TransitionInput& in);

  // A child's case: the report to the child protection support centre was sent.
  StatusOr<CaseView> MarkChildReportSent(const access::RequestContext& ctx,
                                         const std::string& case_id,
                                         const std::optional<std::string>& acting_unit_id);

  StatusOr<CompartmentView> GetCompartment(const access::RequestContext& ctx,
                                           const std::string& case_id,
                                           const std::string& compartment);
  StatusOr<NoteView> AddNote(const access::RequestContext& ctx, const std::string& case_id,
                             const std::string& compartment, const std::string& text,
                             const std::optional<std::string>& acting_unit_id);

  // Every sector's steps in order, each entry (and its detail) only when the viewer may see it.
  StatusOr<std::vector<TimelineEntry>> Timeline(const access::RequestContext& ctx,
                                                const std::string& case_id);

  // Cases the viewer may see, newest first. Names are masked, and only for cases they may read.
  StatusOr<CaseList> Search(const access::RequestContext& ctx, const CaseFilter& filter);
  // By name (any spelling, any script) through the keyed blind index; only cases whose identity
  // the viewer may read; audited with the policy case.search_by_name.
  StatusOr<CaseList> SearchByName(const access::RequestContext& ctx, const std::string& name,
                                  int limit);

  // Revokes her follow-up codes and issues a new one (returned once).
  StatusOr<std::string> ReissueFollowupCode(const access::RequestContext& ctx,
                                            const std::string& case_id,
                                            const std::optional<std::string>& acting_unit_id);

  // The public status page: the same answer shape for unknown codes; ResourceExhausted after too
  // many unknown codes from one address. Audited.
  StatusOr<PublicStatus> PublicStatusOf(const std::string& code, const std::string& client_addr,
                                        const std::string& request_id);

  // The key of the blind name index (loaded or created once, sealed in index_keys).
  StatusOr<std::array<uint8_t, 32>> NameIndexKey();

 private:
  Deps deps_;
  std::mutex key_mu_;
  std::optional<std::array<uint8_t, 32>> name_key_;  // guarded by key_mu_
};

}  // namespace tamkine::cases
