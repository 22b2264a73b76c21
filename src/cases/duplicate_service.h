// Duplicate detection at intake, as users meet it: the check before saving (only candidates the
// user may read are ever mentioned), "different person" and "same woman" decisions (remembered),
// the review queue of pairs no one who could see both has resolved yet, and merges with their
// provenance (undone by unmerge). Every call is authorized and audited. docs/matching.md.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "access/authorize.h"
#include "access/subject.h"
#include "cases/deps.h"
#include "cases/model.h"
#include "storage/store.h"

namespace tamkine::cases {

class DuplicateService {
 public:
  explicit DuplicateService(Deps deps) : deps_(std::move(deps)) {}

  // The existing cases that may be the same woman as `survivor`, best first, among those the
  // user (acting for `acting_unit_id`) may read: others are left out without a trace (no count,
  // no evidence). `case_id`, when checking an edit of that case (which the user must be allowed
  // to update), leaves it and the cases confirmed different from it out. InvalidArgument naming
  // the field for bad input; Unavailable when no duplicate finder is wired. Audited: the check,
  // and one entry per case shown (in that case's access log); what was typed is not stored.
  StatusOr<std::vector<DuplicateCandidateView>> Check(const access::RequestContext& ctx,
                                                      const std::string& acting_unit_id,
                                                      const SurvivorInput& survivor,
                                                      const std::optional<std::string>& case_id);

  // Records that two cases are (not) the same woman; "different" is never proposed again. The
  // user must be allowed to update both (NotFound for a case that does not exist or that they
  // are excluded from).
  StatusOr<DuplicatePairView> Decide(const access::RequestContext& ctx,
                                     const DuplicateDecisionInput& in);

  // Pairs waiting for review (pending) or for a merge (same) whose two cases the caller, acting
  // for `unit_id`, may read; best score first, at most 200.
  StatusOr<std::vector<DuplicateReviewItem>> Review(const access::RequestContext& ctx,
                                                    const std::string& unit_id);

  // Merges `in.absorbed_case_id` into `surviving_case_id` (unit heads and prosecutors allowed to
  // update both). Nothing is deleted: the absorbed case points to the surviving one and its
  // intakes, incidents, perpetrators, risk assessments, consents, notes, documents and follow-up
  // codes are moved under it (each move listed for the unmerge); its exclusions are copied, so
  // whoever was excluded from either case is excluded from the merged one; its timeline shows
  // under the surviving case. FailedPrecondition when either case is already merged, has cases
  // merged into it (absorbed side), or the kinds differ.
  StatusOr<MergeView> Merge(const access::RequestContext& ctx, const std::string& surviving_case_id,
                            const MergeInput& in);

  // Undoes a merge into `surviving_case_id`: exactly the rows the merge moved go back, the copied
  // exclusions are removed, the absorbed case stands again. NotFound for an unknown merge or one
  // already undone.
  StatusOr<MergeView> Unmerge(const access::RequestContext& ctx,
                              const std::string& surviving_case_id, const UnmergeInput& in);

 private:
  Deps deps_;
};

namespace internal {

// The matches `subject` may read (case.read, exclusions included), as shown to them, in the
// order given; the others are dropped. A fixed number of queries whatever the number of matches.
// `decisions` (optional) receives each shown case's read decision, for the audit.
StatusOr<std::vector<DuplicateCandidateView>> ReadableCandidates(
    storage::Tx& tx, const Deps& deps, const access::Subject& subject, Micros now,
    const std::vector<DuplicateMatch>& matches, std::vector<access::Decision>* decisions);

// Queues (case_id, match) pairs for review unless a pair is already known (a pending pair's
// score is updated; decided pairs are left as decided).
Status QueuePairs(storage::Tx& tx, const std::string& case_id,
                  const std::vector<DuplicateMatch>& matches, const std::string& unit_id,
                  Micros now);

}  // namespace internal

}  // namespace tamkine::cases
