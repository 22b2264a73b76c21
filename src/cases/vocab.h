// The closed vocabularies of a case file (channels, languages, forms of violence, places,
// relationships, purposes, document types, ...): the one list each enum in the API and the
// database is checked against. Compartments, consent purposes and document types belong to the
// access policy (access/authorize.h) and are re-exported here.
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"

namespace tamkine::cases {

using Vocabulary = std::vector<std::string_view>;

const Vocabulary& Channels();            // in_person, hotline, online_self_report, ...
const Vocabulary& CaseKinds();           // adult, child
const Vocabulary& ChildRoles();          // victim, accompanying
const Vocabulary& Languages();           // darija, arabic, tachelhit, ...
const Vocabulary& ReadingAbilities();    // reads, reads_with_difficulty, cannot_read, unknown
const Vocabulary& Disabilities();        // physical, visual, hearing, ...
const Vocabulary& MaritalStatuses();     // single, married, ...
const Vocabulary& Sexes();               // female, male, unknown (children)
const Vocabulary& ViolenceForms();       // Law 103-13: physical, sexual, psychological, economic
const Vocabulary& PlaceTypes();          // home, street, workplace, ...
const Vocabulary& Relationships();       // husband, ex_husband, father, ...
const Vocabulary& ConsentBases();        // consent, legal_ground
const Vocabulary& ConsentMethods();      // oral, written, guardian
const Vocabulary& LegalGrounds();        // for children: child_protection_mandate, ...
const Vocabulary& RevokeReasons();       // survivor_request, recorded_in_error, other
const Vocabulary& CloseReasons();        // services_completed, survivor_request, ...
const Vocabulary& ExclusionReasons();    // perpetrator, related
const Vocabulary& BtgReviewOutcomes();   // justified, unjustified
const Vocabulary& AlertKinds();          // high_risk, break_glass, intake_attached
const Vocabulary& RiskLevels();          // not_assessed, low, medium, high
const Vocabulary& AgeBands();            // 0-11, 12-17, 18-29, ...
const Vocabulary& ProtectionMeasures();  // Law 103-13 measures
const Vocabulary& ProsecutionDecisions();
const Vocabulary& JudgmentOutcomes();
const Vocabulary& ComplaintRoutes();  // how a complaint was filed
const Vocabulary& Compartments();     // = access::CaseCompartments()
const Vocabulary& ConsentPurposes();  // = access::ConsentPurposes()
const Vocabulary& DocumentTypes();    // = access::CaseDocumentTypes()

// Relationships that make a perpetrator an intimate partner (the IPV flag).
bool IsIntimatePartner(std::string_view relationship);

// InvalidArgument naming `field` unless `value` is in `v`.
Status CheckEnum(const Vocabulary& v, std::string_view value, std::string_view field);

}  // namespace tamkine::cases
