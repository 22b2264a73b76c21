#include "directory/hsds.h"

#include <algorithm>
#include <map>

#include "directory/validate.h"
#include "identity/validation.h"
#include "reference/regions.h"

namespace tamkine::directory {

namespace {

constexpr char kServiceTaxonomy[] = "tamkine-service";
constexpr char kPublishedTerm[] = "tamkine:published";
constexpr char kAvailabilityTerm[] = "tamkine:publish_availability";
constexpr char kProvinceTerm[] = "tamkine:province";
constexpr char kSectorTerm[] = "tamkine:sector";
constexpr char kBedsUnit[] = "tamkine-beds";
constexpr char kChildPlacesUnit[] = "tamkine-child-places";
constexpr char kFreeOption[] = "free of charge";

Json Attribute(const std::string& id, const std::string& link_id, const std::string& entity,
               const std::string& term, const std::string& value) {
  return {{"id", id},          {"link_id", link_id},       {"link_entity", entity},
          {"link_type", term}, {"taxonomy_term_id", term}, {"value", value}};
}

// "<id><infix><value>": ids of nested objects, derived so that a round trip keeps them.
std::string SubId(const std::string& id, std::string_view infix, std::string_view value) {
  std::string out = id;
  out.append(infix).append(value);
  return out;
}

std::string JoinDays(const std::vector<std::string>& days) {
  std::string out;
  for (const auto& d : days) out += (out.empty() ? "" : ",") + d;
  return out;
}

Json ServiceJson(const Service& s) {
  const std::string& id = s.id;
  Json j = {{"id", id}, {"organization_id", s.unit_id}, {"name", s.name}, {"status", "active"}};
  if (s.description) j["description"] = *s.description;
  if (s.email) j["email"] = *s.email;
  j["fees_description"] = s.free_of_charge ? "Free of charge" : "Fees may apply";
  Json costs = Json::array();
  if (s.free_of_charge) {
    costs.push_back({{"id", id + "-cost-free"},
                     {"service_id", id},
                     {"option", kFreeOption},
                     {"amount", 0},
                     {"currency", "MAD"}});
  }
  j["cost_options"] = costs;
  Json phones = Json::array();
  for (size_t i = 0; i < s.phones.size(); ++i) {
    phones.push_back({{"id", id + "-phone-" + std::to_string(i)},
                      {"service_id", id},
                      {"number", s.phones[i]},
                      {"type", "voice"}});
  }
  j["phones"] = phones;
  Json schedules = Json::array();
  if (s.open_24h) {
    schedules.push_back({{"id", id + "-schedule-0"},
                         {"service_id", id},
                         {"freq", "WEEKLY"},
                         {"byday", "MO,TU,WE,TH,FR,SA,SU"},
                         {"opens_at", "00:00"},
                         {"closes_at", "24:00"},
                         {"description", "Open day and night"}});
  }
  for (size_t i = 0; i < s.hours.size(); ++i) {
    schedules.push_back({{"id", id + "-schedule-" + std::to_string(i)},
                         {"service_id", id},
                         {"freq", "WEEKLY"},
                         {"byday", JoinDays(s.hours[i].days)},
                         {"opens_at", s.hours[i].opens},
                         {"closes_at", s.hours[i].closes}});
  }
  j["schedules"] = schedules;
  Json languages = Json::array();
  for (const auto& l : s.languages) {
    languages.push_back({{"id", SubId(id, "-language-", l)},
                         {"service_id", id},
                         {"name", std::string(LanguageName(l))},
                         {"code", l}});
  }
  j["languages"] = languages;
  Json capacities = Json::array();
  if (s.shelter) {
    std::string updated = FormatIsoTime(s.shelter->updated_at);
    capacities.push_back({{"id", id + "-capacity-beds"},
                          {"service_id", id},
                          {"unit", {{"id", kBedsUnit}, {"name", "beds"}}},
                          {"maximum", s.shelter->beds},
                          {"available", s.shelter->beds_free()},
                          {"updated", updated}});
    capacities.push_back({{"id", id + "-capacity-child-places"},
                          {"service_id", id},
                          {"unit", {{"id", kChildPlacesUnit}, {"name", "places for children"}}},
                          {"maximum", s.shelter->child_places},
                          {"available", s.shelter->child_places_free()},
                          {"updated", updated}});
    if (s.shelter->admission_criteria) {
      j["eligibility_description"] = *s.shelter->admission_criteria;
    }
  }
  j["capacities"] = capacities;
  Json attributes = Json::array();
  for (const auto& k : s.kinds) {
    Json a = Attribute(SubId(id, "-service-", k), id, "service", kServiceTaxonomy, k);
    a["taxonomy_term"] = {{"id", std::string(kServiceTaxonomy) + ":" + k},
                          {"code", k},
                          {"name", k},
                          {"vocabulary", kServiceTaxonomy}};
    attributes.push_back(std::move(a));
  }
  attributes.push_back(Attribute(id + "-province", id, "service", kProvinceTerm, s.province_code));
  attributes.push_back(
      Attribute(id + "-published", id, "service", kPublishedTerm, s.published ? "true" : "false"));
  if (s.shelter) {
    attributes.push_back(Attribute(id + "-publish-availability", id, "service", kAvailabilityTerm,
                                   s.shelter->publish_availability ? "true" : "false"));
  }
  j["attributes"] = attributes;
  j["service_at_locations"] = Json::array(
      {{{"id", id + "-at-location"}, {"service_id", id}, {"location_id", id + "-location"}}});
  return j;
}

Json LocationJson(const Service& s) {
  const std::string id = s.id + "-location";
  Json j = {
      {"id", id}, {"organization_id", s.unit_id}, {"location_type", "physical"}, {"name", s.name}};
  if (s.latitude) {
    j["latitude"] = *s.latitude;
    j["longitude"] = *s.longitude;
  }
  Json addresses = Json::array();
  if (s.address || s.commune) {
    const reference::Province* p = reference::FindProvince(s.province_code);
    const reference::Region* r = reference::FindRegion(s.region_code);
    addresses.push_back({{"id", id + "-address"},
                         {"location_id", id},
                         {"address_1", s.address.value_or("")},
                         {"city", s.commune.value_or("")},
                         {"region", r != nullptr ? r->name_fr : ""},
                         {"state_province", p != nullptr ? p->name_fr : s.province_code},
                         {"postal_code", ""},
                         {"country", "MA"},
                         {"address_type", "physical"}});
  }
  j["addresses"] = addresses;
  Json access = Json::array();
  for (const auto& a : s.accessibility) {
    access.push_back(
        {{"id", SubId(id, "-accessibility-", a)}, {"location_id", id}, {"details", a}});
  }
  j["accessibility"] = access;
  return j;
}

// Reads fields of one HSDS object; every error names path.field. Fields Tamkine does not use are
// ignored (HSDS has many), but the ones it reads must have the right type.
class Reader {
 public:
  Reader(const Json& j, std::string path) : j_(j), path_(std::move(path)) {}

  Status Check() const {
    if (!j_.is_object()) return InvalidArgument("must be an object", path_);
    return Status::Ok();
  }
  std::string At(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  const Json* Get(std::string_view key) const {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  StatusOr<std::optional<std::string>> OptStr(std::string_view key, size_t max_len,
                                              bool multiline = false) const {
    const Json* v = Get(key);
    if (v == nullptr) return std::optional<std::string>();
    if (!v->is_string()) return InvalidArgument("must be a string", At(key));
    std::string s = v->get<std::string>();
    if (s.empty()) return std::optional<std::string>();
    RETURN_IF_ERROR(ValidateText(s, At(key), 1, max_len, multiline));
    return std::optional<std::string>(std::move(s));
  }
  StatusOr<std::string> Str(std::string_view key, size_t max_len) const {
    ASSIGN_OR_RETURN(auto s, OptStr(key, max_len));
    if (!s) return InvalidArgument("is required", At(key));
    return *s;
  }
  StatusOr<const Json*> Arr(std::string_view key, size_t max_items) const {
    const Json* v = Get(key);
    if (v == nullptr) return static_cast<const Json*>(nullptr);
    if (!v->is_array()) return InvalidArgument("must be an array", At(key));
    if (v->size() > max_items) {
      return InvalidArgument("has more than " + std::to_string(max_items) + " items", At(key));
    }
    return v;
  }
  StatusOr<std::optional<double>> OptNum(std::string_view key) const {
    const Json* v = Get(key);
    if (v == nullptr) return std::optional<double>();
    if (!v->is_number()) return InvalidArgument("must be a number", At(key));
    return std::optional<double>(v->get<double>());
  }
  StatusOr<int64_t> Count(std::string_view key) const {
    const Json* v = Get(key);
    if (v == nullptr) return InvalidArgument("is required", At(key));
    if (!v->is_number_integer() || v->get<int64_t>() < 0 || v->get<int64_t>() > 10000) {
      return InvalidArgument("must be an integer between 0 and 10000", At(key));
    }
    return v->get<int64_t>();
  }

 private:
  const Json& j_;
  std::string path_;
};

std::string Item(const std::string& path, std::string_view key, size_t i) {
  return path + "." + std::string(key) + "[" + std::to_string(i) + "]";
}

// The Tamkine attributes of an object: taxonomy term id → values, with their paths.
struct Attributes {
  std::multimap<std::string, std::pair<std::string, std::string>> values;  // term → (value, path)
  std::optional<std::pair<std::string, std::string>> One(const std::string& term) const {
    auto it = values.find(term);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
};

StatusOr<Attributes> ReadAttributes(const Reader& r, const std::string& path) {
  Attributes out;
  ASSIGN_OR_RETURN(const Json* list, r.Arr("attributes", 200));
  if (list == nullptr) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    std::string at = Item(path, "attributes", i);
    Reader a((*list)[i], at);
    RETURN_IF_ERROR(a.Check());
    ASSIGN_OR_RETURN(auto term, a.OptStr("taxonomy_term_id", 200));
    ASSIGN_OR_RETURN(auto value, a.OptStr("value", 200));
    if (!term) continue;  // someone else's attribute
    if (!value) return InvalidArgument("is required", at + ".value");
    out.values.emplace(*term, std::make_pair(*value, at + ".value"));
  }
  return out;
}

StatusOr<bool> BoolAttribute(const Attributes& a, const std::string& term) {
  auto v = a.One(term);
  if (!v) return false;
  if (v->first == "true") return true;
  if (v->first == "false") return false;
  return InvalidArgument("must be \"true\" or \"false\"", v->second);
}

std::vector<std::string> SplitDays(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    std::string d = s.substr(start, end - start);
    d.erase(std::remove(d.begin(), d.end(), ' '), d.end());
    out.push_back(d);
    start = end + 1;
  }
  return out;
}

Status ReadSchedules(const Reader& r, const std::string& path, ServiceInput* in) {
  ASSIGN_OR_RETURN(const Json* list, r.Arr("schedules", 21));
  if (list == nullptr) return Status::Ok();
  for (size_t i = 0; i < list->size(); ++i) {
    std::string at = Item(path, "schedules", i);
    Reader s((*list)[i], at);
    RETURN_IF_ERROR(s.Check());
    ASSIGN_OR_RETURN(auto freq, s.OptStr("freq", 20));
    if (freq && *freq != "WEEKLY") return InvalidArgument("only WEEKLY is supported", s.At("freq"));
    ASSIGN_OR_RETURN(std::string byday, s.Str("byday", 100));
    ASSIGN_OR_RETURN(std::string opens, s.Str("opens_at", 8));
    ASSIGN_OR_RETURN(std::string closes, s.Str("closes_at", 8));
    OpeningHours h{SplitDays(byday), opens, closes};
    // Validated one by one so that the error names this schedule's fields.
    std::vector<OpeningHours> one = {h};
    Status v = ValidateHours(&one, "x");
    if (!v.ok()) {
      std::string f = v.field();
      if (f.find(".days") != std::string::npos) f = "byday";
      if (f.find(".opens") != std::string::npos) f = "opens_at";
      if (f.find(".closes") != std::string::npos) f = "closes_at";
      return InvalidArgument(v.message(), s.At(f));
    }
    in->hours.push_back(one[0]);
  }
  Status all = ValidateHours(&in->hours, path + ".schedules");
  if (!all.ok()) return all;
  return Status::Ok();
}

StatusOr<HsdsService> ReadService(const Json& j, const std::string& path,
                                  const HsdsOrganization& org,
                                  const std::map<std::string, const Json*>& locations,
                                  const std::string& org_path) {
  HsdsService out;
  out.path = path;
  Reader r(j, path);
  RETURN_IF_ERROR(r.Check());
  ASSIGN_OR_RETURN(out.id, r.Str("id", 64));
  if (!IsHsdsId(out.id)) {
    return InvalidArgument("must be 1-64 letters, digits, '-' or '_'", r.At("id"));
  }
  ASSIGN_OR_RETURN(auto org_id, r.OptStr("organization_id", 64));
  if (org_id && *org_id != org.id) {
    return InvalidArgument("does not match the enclosing organization", r.At("organization_id"));
  }
  ServiceInput& in = out.input;
  in.unit_id = org.id;
  ASSIGN_OR_RETURN(in.name, r.Str("name", 200));
  ASSIGN_OR_RETURN(in.description, r.OptStr("description", 2000, true));
  ASSIGN_OR_RETURN(in.email, r.OptStr("email", 254));
  if (in.email) RETURN_IF_ERROR(identity::ValidateEmail(*in.email, r.At("email")));

  ASSIGN_OR_RETURN(const Json* phones, r.Arr("phones", 10));
  for (size_t i = 0; phones != nullptr && i < phones->size(); ++i) {
    Reader p((*phones)[i], Item(path, "phones", i));
    RETURN_IF_ERROR(p.Check());
    ASSIGN_OR_RETURN(std::string number, p.Str("number", 40));
    ASSIGN_OR_RETURN(number, identity::NormalisePhone(number, p.At("number")));
    in.phones.push_back(number);
  }
  RETURN_IF_ERROR(ReadSchedules(r, path, &in));

  ASSIGN_OR_RETURN(const Json* languages, r.Arr("languages", 20));
  for (size_t i = 0; languages != nullptr && i < languages->size(); ++i) {
    Reader l((*languages)[i], Item(path, "languages", i));
    RETURN_IF_ERROR(l.Check());
    ASSIGN_OR_RETURN(std::string code, l.Str("code", 20));
    if (LanguageName(code).empty()) return InvalidArgument("is not a known language", l.At("code"));
    in.languages.push_back(code);
  }

  ASSIGN_OR_RETURN(const Json* costs, r.Arr("cost_options", 20));
  in.free_of_charge = false;
  for (size_t i = 0; costs != nullptr && i < costs->size(); ++i) {
    Reader c((*costs)[i], Item(path, "cost_options", i));
    RETURN_IF_ERROR(c.Check());
    ASSIGN_OR_RETURN(auto amount, c.OptNum("amount"));
    if (amount && *amount == 0) in.free_of_charge = true;
  }

  ASSIGN_OR_RETURN(Attributes attrs, ReadAttributes(r, path));
  for (auto [it, end] = attrs.values.equal_range(kServiceTaxonomy); it != end; ++it) {
    const auto& [value, at] = it->second;
    if (std::find(ServiceKinds().begin(), ServiceKinds().end(), value) == ServiceKinds().end()) {
      return InvalidArgument("is not a known service", at);
    }
    in.kinds.push_back(value);
  }
  if (in.kinds.empty()) {
    return InvalidArgument("must include at least one attribute of taxonomy tamkine-service",
                           r.At("attributes"));
  }
  if (auto p = attrs.One(kProvinceTerm)) {
    if (reference::FindProvince(p->first) == nullptr) {
      return InvalidArgument("is not a known province code", p->second);
    }
    in.province_code = p->first;
  } else {
    in.province_code = org.province_code;
  }
  ASSIGN_OR_RETURN(out.published, BoolAttribute(attrs, kPublishedTerm));
  ASSIGN_OR_RETURN(out.publish_availability, BoolAttribute(attrs, kAvailabilityTerm));

  // The service's location: through service_at_locations, from the organization's locations.
  ASSIGN_OR_RETURN(const Json* sals, r.Arr("service_at_locations", 1));
  if (sals != nullptr && !sals->empty()) {
    std::string at = Item(path, "service_at_locations", 0);
    Reader sal((*sals)[0], at);
    RETURN_IF_ERROR(sal.Check());
    ASSIGN_OR_RETURN(std::string loc_id, sal.Str("location_id", 100));
    auto found = locations.find(loc_id);
    if (found == locations.end()) {
      return InvalidArgument("names no location of this organization", sal.At("location_id"));
    }
    const Json& loc = *found->second;
    std::string loc_path = org_path + ".locations[" +
                           std::to_string(loc.value("__index", static_cast<size_t>(0))) + "]";
    Reader l(loc, loc_path);
    ASSIGN_OR_RETURN(in.latitude, l.OptNum("latitude"));
    ASSIGN_OR_RETURN(in.longitude, l.OptNum("longitude"));
    RETURN_IF_ERROR(ValidateCoordinates(in.latitude, in.longitude, loc_path + "."));
    ASSIGN_OR_RETURN(const Json* addresses, l.Arr("addresses", 5));
    if (addresses != nullptr && !addresses->empty()) {
      Reader a((*addresses)[0], loc_path + ".addresses[0]");
      RETURN_IF_ERROR(a.Check());
      ASSIGN_OR_RETURN(in.address, a.OptStr("address_1", 500));
      ASSIGN_OR_RETURN(in.commune, a.OptStr("city", 200));
    }
    ASSIGN_OR_RETURN(const Json* access, l.Arr("accessibility", 20));
    for (size_t i = 0; access != nullptr && i < access->size(); ++i) {
      Reader a((*access)[i], Item(loc_path, "accessibility", i));
      RETURN_IF_ERROR(a.Check());
      ASSIGN_OR_RETURN(std::string f, a.Str("details", 100));
      if (std::find(AccessibilityFeatures().begin(), AccessibilityFeatures().end(), f) ==
          AccessibilityFeatures().end()) {
        return InvalidArgument("is not a known accessibility feature", a.At("details"));
      }
      in.accessibility.push_back(f);
    }
  }

  ASSIGN_OR_RETURN(const Json* caps, r.Arr("capacities", 10));
  bool is_shelter = std::find(in.kinds.begin(), in.kinds.end(), "shelter") != in.kinds.end();
  if (is_shelter) {
    ShelterInput shelter;
    ASSIGN_OR_RETURN(shelter.admission_criteria, r.OptStr("eligibility_description", 2000, true));
    bool beds_seen = false;
    for (size_t i = 0; caps != nullptr && i < caps->size(); ++i) {
      std::string at = Item(path, "capacities", i);
      Reader c((*caps)[i], at);
      RETURN_IF_ERROR(c.Check());
      const Json* unit = c.Get("unit");
      if (unit == nullptr || !unit->is_object())
        return InvalidArgument("is required", c.At("unit"));
      ASSIGN_OR_RETURN(std::string unit_id, Reader(*unit, c.At("unit")).Str("id", 100));
      ASSIGN_OR_RETURN(int64_t maximum, c.Count("maximum"));
      ASSIGN_OR_RETURN(int64_t available, c.Count("available"));
      if (available > maximum) {
        return InvalidArgument("must not exceed maximum", c.At("available"));
      }
      ASSIGN_OR_RETURN(auto updated, c.OptStr("updated", 40));
      if (updated) {
        auto t = ParseIsoTime(*updated);
        if (!t) return InvalidArgument("must be an RFC 3339 date-time", c.At("updated"));
        out.capacity_updated = *t;
      }
      if (unit_id == kBedsUnit) {
        shelter.beds = maximum;
        out.beds_occupied = maximum - available;
        beds_seen = true;
      } else if (unit_id == kChildPlacesUnit) {
        shelter.child_places = maximum;
        out.children_occupied = maximum - available;
      }
    }
    if (!beds_seen) {
      return InvalidArgument("a shelter needs a capacity with unit tamkine-beds",
                             r.At("capacities"));
    }
    in.shelter = shelter;
  }
  RETURN_IF_ERROR(ValidateServiceInput(&in, path + "."));
  return out;
}

}  // namespace

bool IsHsdsId(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

Json ToHsds(const std::vector<HsdsOrganization>& orgs, const std::vector<Service>& services) {
  Json list = Json::array();
  for (const auto& o : orgs) {
    Json org = {{"id", o.id}, {"name", o.name}};
    org["attributes"] = Json::array(
        {Attribute(o.id + "-sector", o.id, "organization", kSectorTerm, o.sector),
         Attribute(o.id + "-province", o.id, "organization", kProvinceTerm, o.province_code)});
    Json svcs = Json::array(), locs = Json::array();
    for (const auto& s : services) {
      if (s.unit_id != o.id) continue;
      svcs.push_back(ServiceJson(s));
      locs.push_back(LocationJson(s));
    }
    org["services"] = svcs;
    org["locations"] = locs;
    list.push_back(std::move(org));
  }
  return {{"hsds_version", "3.0"}, {"organizations", list}};
}

StatusOr<HsdsDocument> ParseHsds(const Json& doc) {
  HsdsDocument out;
  Reader root(doc, "");
  if (!doc.is_object()) return InvalidArgument("must be an object with organizations", "$");
  if (const Json* v = root.Get("hsds_version");
      v != nullptr && (!v->is_string() || v->get<std::string>().rfind("3.", 0) != 0)) {
    return InvalidArgument("must be 3.x", "hsds_version");
  }
  ASSIGN_OR_RETURN(const Json* orgs, root.Arr("organizations", 5000));
  if (orgs == nullptr) return InvalidArgument("is required", "organizations");
  std::map<std::string, std::string> service_paths, org_paths;
  for (size_t i = 0; i < orgs->size(); ++i) {
    std::string path = "organizations[" + std::to_string(i) + "]";
    Reader r((*orgs)[i], path);
    RETURN_IF_ERROR(r.Check());
    HsdsOrganization org;
    org.path = path;
    ASSIGN_OR_RETURN(org.id, r.Str("id", 64));
    if (!IsHsdsId(org.id)) {
      return InvalidArgument("must be 1-64 letters, digits, '-' or '_'", r.At("id"));
    }
    if (!org_paths.emplace(org.id, path).second) {
      return InvalidArgument("repeats the id of " + org_paths[org.id], r.At("id"));
    }
    ASSIGN_OR_RETURN(org.name, r.Str("name", 200));
    if (org.name.size() < 2) return InvalidArgument("must be at least 2 characters", r.At("name"));
    ASSIGN_OR_RETURN(Attributes attrs, ReadAttributes(r, path));
    auto sector = attrs.One(kSectorTerm);
    if (!sector) {
      return InvalidArgument("needs an attribute tamkine:sector", r.At("attributes"));
    }
    RETURN_IF_ERROR(identity::ValidateSector(sector->first, sector->second));
    org.sector = sector->first;
    auto province = attrs.One(kProvinceTerm);
    if (!province) {
      return InvalidArgument("needs an attribute tamkine:province", r.At("attributes"));
    }
    if (reference::FindProvince(province->first) == nullptr) {
      return InvalidArgument("is not a known province code", province->second);
    }
    org.province_code = province->first;

    // Locations by id; their index is kept for error paths.
    ASSIGN_OR_RETURN(const Json* locs, r.Arr("locations", 5000));
    std::vector<Json> indexed;
    std::map<std::string, const Json*> locations;
    if (locs != nullptr) {
      indexed.reserve(locs->size());
      for (size_t k = 0; k < locs->size(); ++k) {
        std::string at = Item(path, "locations", k);
        Reader l((*locs)[k], at);
        RETURN_IF_ERROR(l.Check());
        ASSIGN_OR_RETURN(std::string id, l.Str("id", 100));
        indexed.push_back((*locs)[k]);
        indexed.back()["__index"] = k;
      }
      for (const auto& l : indexed) locations[l["id"].get<std::string>()] = &l;
    }
    ASSIGN_OR_RETURN(const Json* svcs, r.Arr("services", 5000));
    for (size_t k = 0; svcs != nullptr && k < svcs->size(); ++k) {
      std::string at = Item(path, "services", k);
      ASSIGN_OR_RETURN(HsdsService s, ReadService((*svcs)[k], at, org, locations, path));
      if (!service_paths.emplace(s.id, at).second) {
        return InvalidArgument("repeats the id of " + service_paths[s.id], at + ".id");
      }
      out.services.push_back(std::move(s));
    }
    out.organizations.push_back(std::move(org));
  }
  return out;
}

}  // namespace tamkine::directory
