// Test helper: a PersonRecord from positional fields, for the matching tests.
#pragma once

#include <string>
#include <utility>

#include "matching/person.h"

namespace tamkine::matching::testing {

inline PersonRecord Person(std::string id, std::string given, std::string family,
                           std::string dob = {}, std::string phone = {}, std::string cin = {},
                           std::string city = {}) {
  PersonRecord r;
  r.id = std::move(id);
  r.given_name = std::move(given);
  r.family_name = std::move(family);
  r.date_of_birth = std::move(dob);
  if (!phone.empty()) r.phones.push_back(std::move(phone));
  r.cin = std::move(cin);
  r.city = std::move(city);
  return r;
}

}  // namespace tamkine::matching::testing
