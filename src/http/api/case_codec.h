// JSON codecs for the case API: strict decoding of request bodies into case inputs (unknown
// fields and wrong types rejected, the field named as in the domain's errors) and encoding of the
// case views. Values (enums, dates, lengths) are validated by the case services.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cases/model.h"
#include "common/json.h"

namespace tamkine::http::api {

// Decoders given `acting` also read the optional "acting_unit_id" (the unit the user acts for)
// of a top-level body into it.
StatusOr<cases::NewCaseInput> DecodeNewCase(const Json& j);
StatusOr<cases::SurvivorInput> DecodeSurvivor(const Json& j, const std::string& prefix,
                                              std::optional<std::string>* acting = nullptr);
StatusOr<cases::IncidentInput> DecodeIncident(const Json& j, const std::string& prefix,
                                              std::optional<std::string>* acting = nullptr);
StatusOr<cases::AttachIntakeInput> DecodeAttachIntake(const Json& j);
StatusOr<cases::ConsentInput> DecodeConsent(const Json& j, const std::string& prefix,
                                            std::optional<std::string>* acting = nullptr);
StatusOr<cases::RiskInput> DecodeRisk(const Json& j, const std::string& prefix,
                                      std::optional<std::string>* acting = nullptr);
StatusOr<cases::TransitionInput> DecodeTransition(const Json& j);
StatusOr<cases::DocumentInput> DecodeDocument(const Json& j);
StatusOr<cases::DocumentFileInput> DecodeFile(const Json& j, const std::string& prefix);

Json EncodeUnitRef(const cases::UnitRef& u);
Json EncodeCaseCore(const cases::CaseCore& c);
Json EncodeCaseView(const cases::CaseView& v);
Json EncodeCaseList(const cases::CaseList& l);
Json EncodeIdentity(const cases::SurvivorIdentity& s);
Json EncodeIncident(const cases::IncidentView& i);
Json EncodeRisk(const cases::RiskView& r);
Json EncodeCompartment(const cases::CompartmentView& c);
Json EncodeNote(const cases::NoteView& n);
Json EncodeTimeline(const std::vector<cases::TimelineEntry>& t);
Json EncodeConsent(const cases::ConsentView& c);
Json EncodeBtg(const cases::BtgView& b);
Json EncodeAlert(const cases::AlertView& a);
Json EncodeAccessLog(const std::vector<cases::AccessLogEntry>& log);
Json EncodeDocument(const cases::DocumentView& d);
Json EncodePublicStatus(const cases::PublicStatus& s);
Json EncodeDuplicateEvidence(const std::vector<cases::DuplicateEvidence>& evidence);
Json EncodeDuplicateCaseRef(const cases::DuplicateCaseRef& c);
Json EncodeDuplicateCandidates(const std::vector<cases::DuplicateCandidateView>& candidates);
// The vocabularies the screens need (enums, tracks and moves, risk questions).
Json CaseVocabulary();

}  // namespace tamkine::http::api
