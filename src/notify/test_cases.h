// For tests of notifications: a case input whose survivor can (or cannot) be texted, with planted
// names and narrative that must never reach a message. Test-only; header-only.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cases/model.h"

namespace tamkine::notify::testing {

inline cases::NewCaseInput SurvivorCase(const std::string& unit_id, bool safe_to_text,
                                        std::vector<std::string> languages) {
  cases::NewCaseInput in;
  in.intake.unit_id = unit_id;
  in.intake.channel = "in_person";
  in.survivor.names = {"Planted Survivor Name"};
  in.survivor.birth_date = "1994-03";
  in.survivor.phones = {"06 12 34 56 78"};
  in.survivor.languages = std::move(languages);
  in.survivor.contact.safe_to_call = true;
  in.survivor.contact.safe_to_text = safe_to_text;
  cases::IncidentInput inc;
  inc.date = "2025-12-20";
  inc.province_code = "03.01";
  inc.place_type = "home";
  inc.forms = {"physical"};
  inc.facts.physical_assault = true;
  inc.description = "Planted narrative";
  cases::PerpetratorInput p;
  p.relationship = "husband";
  inc.perpetrators.push_back(p);
  in.incidents.push_back(inc);
  return in;
}

}  // namespace tamkine::notify::testing
