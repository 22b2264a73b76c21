// The directory API (docs/directory.md, docs/openapi/30-directory.json): services units offer,
// publication, shelters' admissions and exits, find a bed, HSDS 3.0 export and import, and the
// public directory (no login, published services only, cacheable).
#include "directory/directory_service.h"
#include "directory/model.h"
#include "http/api/routes.h"
#include "reference/regions.h"

namespace tamkine::http::api {

namespace {

constexpr size_t kHsdsBodyLimit = 8 * 1024 * 1024;

// A number field read beside ObjectReader (which has no getter for floating point); the key is
// removed from `j` so that Finish() does not call it unknown.
StatusOr<std::optional<double>> TakeNumber(Json* j, const char* key) {
  if (!j->is_object() || !j->contains(key)) return std::optional<double>();
  Json v = (*j)[key];
  j->erase(key);
  if (v.is_null()) return std::optional<double>();
  if (!v.is_number()) return InvalidArgument("must be a number", key);
  return std::optional<double>(v.get<double>());
}

Status StringList(ObjectReader& r, const char* key, std::vector<std::string>* out, size_t max_items,
                  size_t max_len) {
  const Json* a = nullptr;
  RETURN_IF_ERROR(r.Array(key, &a, max_items, false));
  if (a == nullptr) return Status::Ok();
  for (size_t i = 0; i < a->size(); ++i) {
    std::string field = r.FieldName(key) + "[" + std::to_string(i) + "]";
    if (!(*a)[i].is_string()) return InvalidArgument("must be a string", field);
    std::string s = (*a)[i].get<std::string>();
    RETURN_IF_ERROR(ValidateText(s, field, 1, max_len));
    out->push_back(std::move(s));
  }
  return Status::Ok();
}

StatusOr<directory::ServiceInput> DecodeServiceInput(const Json& body, bool with_unit) {
  Json j = body;
  directory::ServiceInput in;
  ASSIGN_OR_RETURN(in.latitude, TakeNumber(&j, "latitude"));
  ASSIGN_OR_RETURN(in.longitude, TakeNumber(&j, "longitude"));
  ObjectReader r(j);
  RETURN_IF_ERROR(r.Check());
  if (with_unit) RETURN_IF_ERROR(r.String("unit_id", &in.unit_id, 1, 64));
  RETURN_IF_ERROR(r.String("name", &in.name, 1, 200));
  RETURN_IF_ERROR(r.OptString("description", &in.description, 1, 2000, true));
  RETURN_IF_ERROR(r.OptString("province_code", &in.province_code, 1, 10));
  RETURN_IF_ERROR(r.OptString("commune", &in.commune, 1, 200));
  RETURN_IF_ERROR(r.OptString("address", &in.address, 1, 500));
  RETURN_IF_ERROR(StringList(r, "phones", &in.phones, 10, 40));
  RETURN_IF_ERROR(r.OptString("email", &in.email, 1, 254));
  const Json* hours = nullptr;
  RETURN_IF_ERROR(r.Array("hours", &hours, 21, false));
  for (size_t i = 0; hours != nullptr && i < hours->size(); ++i) {
    ObjectReader h((*hours)[i], "hours[" + std::to_string(i) + "].");
    RETURN_IF_ERROR(h.Check());
    directory::OpeningHours oh;
    RETURN_IF_ERROR(StringList(h, "days", &oh.days, 7, 2));
    RETURN_IF_ERROR(h.String("opens", &oh.opens, 1, 5));
    RETURN_IF_ERROR(h.String("closes", &oh.closes, 1, 5));
    RETURN_IF_ERROR(h.Finish());
    in.hours.push_back(std::move(oh));
  }
  std::optional<bool> b;
  RETURN_IF_ERROR(r.OptBool("open_24h", &b));
  in.open_24h = b.value_or(false);
  RETURN_IF_ERROR(StringList(r, "services", &in.kinds, 20, 40));
  RETURN_IF_ERROR(StringList(r, "languages", &in.languages, 20, 10));
  RETURN_IF_ERROR(StringList(r, "accessibility", &in.accessibility, 20, 40));
  RETURN_IF_ERROR(r.OptBool("free_of_charge", &b));
  in.free_of_charge = b.value_or(true);
  const Json* shelter = nullptr;
  RETURN_IF_ERROR(r.Object("shelter", &shelter, false));
  if (shelter != nullptr) {
    ObjectReader s(*shelter, "shelter.");
    directory::ShelterInput si;
    RETURN_IF_ERROR(s.Int("beds", &si.beds, 0, 10000));
    std::optional<int64_t> children;
    RETURN_IF_ERROR(s.OptInt("child_places", &children, 0, 10000));
    si.child_places = children.value_or(0);
    RETURN_IF_ERROR(s.OptString("admission_criteria", &si.admission_criteria, 1, 2000, true));
    RETURN_IF_ERROR(s.Finish());
    in.shelter = si;
  }
  RETURN_IF_ERROR(r.Finish());
  return in;
}

Json OptJson(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }
Json OptJson(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

Json EncodeHours(const std::vector<directory::OpeningHours>& hours) {
  Json a = Json::array();
  for (const auto& h : hours) {
    a.push_back({{"days", h.days}, {"opens", h.opens}, {"closes", h.closes}});
  }
  return a;
}

// The fields staff and the public both see.
Json EncodeCommon(const directory::Service& s) {
  return {{"id", s.id},
          {"unit_name", s.unit_name},
          {"name", s.name},
          {"description", OptJson(s.description)},
          {"sector", s.sector},
          {"region_code", s.region_code},
          {"province_code", s.province_code},
          {"commune", OptJson(s.commune)},
          {"address", OptJson(s.address)},
          {"latitude", OptJson(s.latitude)},
          {"longitude", OptJson(s.longitude)},
          {"phones", s.phones},
          {"email", OptJson(s.email)},
          {"hours", EncodeHours(s.hours)},
          {"open_24h", s.open_24h},
          {"services", s.kinds},
          {"languages", s.languages},
          {"accessibility", s.accessibility},
          {"free_of_charge", s.free_of_charge}};
}

// What staff see: the whole service, occupancy included.
Json EncodeService(const directory::Service& s) {
  Json j = EncodeCommon(s);
  j["unit_id"] = s.unit_id;
  j["published"] = s.published;
  j["updated_at"] = FormatIsoTime(s.updated_at);
  j["shelter"] = nullptr;
  if (s.shelter) {
    const auto& h = *s.shelter;
    j["shelter"] = {{"beds", h.beds},
                    {"child_places", h.child_places},
                    {"beds_occupied", h.beds_occupied},
                    {"children_occupied", h.children_occupied},
                    {"beds_free", h.beds_free()},
                    {"child_places_free", h.child_places_free()},
                    {"admission_criteria", OptJson(h.admission_criteria)},
                    {"publish_availability", h.publish_availability},
                    {"updated_at", FormatIsoTime(h.updated_at)}};
  }
  return j;
}

// What anyone sees: no occupancy figures, and a shelter's address and position stay out of it
// (the safety of the women inside); whether it has room only when the unit publishes that.
Json EncodePublicService(const directory::Service& s) {
  Json j = EncodeCommon(s);
  Json has_space = nullptr;
  if (s.shelter) {
    j["address"] = j["latitude"] = j["longitude"] = nullptr;
    if (s.shelter->publish_availability) has_space = s.shelter->beds_free() > 0;
  }
  j["has_space"] = has_space;
  return j;
}

Status QueryEnum(const Request& req, const char* name, const std::vector<std::string_view>& allowed,
                 std::optional<std::string>* out) {
  auto v = req.Query(name);
  if (!v || v->empty()) return Status::Ok();
  if (std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
    return InvalidArgument("is not a known value", name);
  }
  *out = *v;
  return Status::Ok();
}

StatusOr<directory::ServiceFilter> DecodeFilter(const Request& req) {
  directory::ServiceFilter f;
  ASSIGN_OR_RETURN(f.region_code, QueryInt(req, "region_code", 1, 12));
  if (auto p = req.Query("province_code"); p && !p->empty()) {
    if (reference::FindProvince(*p) == nullptr) {
      return InvalidArgument("is not a known province code", "province_code");
    }
    f.province_code = *p;
  }
  RETURN_IF_ERROR(QueryEnum(req, "sector", access::Sectors(), &f.sector));
  RETURN_IF_ERROR(QueryEnum(req, "service", directory::ServiceKinds(), &f.kind));
  return f;
}

StatusOr<std::optional<double>> QueryDouble(const Request& req, const char* name) {
  auto v = req.Query(name);
  if (!v || v->empty()) return std::optional<double>();
  try {
    size_t used = 0;
    double d = std::stod(*v, &used);
    if (used != v->size()) throw std::invalid_argument(name);
    return std::optional<double>(d);
  } catch (const std::exception&) {
    return InvalidArgument("must be a number", name);
  }
}

StatusOr<directory::Movement> DecodeMovement(const Request& req) {
  ASSIGN_OR_RETURN(Json body, Body(req));
  ObjectReader r(body);
  RETURN_IF_ERROR(r.Check());
  directory::Movement m;
  std::optional<int64_t> adults, children;
  RETURN_IF_ERROR(r.OptInt("adults", &adults, 0, 50));
  RETURN_IF_ERROR(r.OptInt("children", &children, 0, 50));
  RETURN_IF_ERROR(r.Finish());
  m.adults = adults.value_or(0);
  m.children = children.value_or(0);
  return m;
}

Json Items(const std::vector<directory::Service>& v, Json (*encode)(const directory::Service&)) {
  Json items = Json::array();
  for (const auto& s : v) items.push_back(encode(s));
  return {{"items", items}};
}

}  // namespace

void RegisterDirectoryRoutes(Router& router, ApiDeps& deps) {
  ApiDeps& d = deps;
  auto add = [&router](std::string method, std::string pattern, std::string policy,
                       std::string summary, Handler h, size_t max_body = 64 * 1024) {
    AddRoute(router, std::move(method), std::move(pattern), std::move(policy), std::move(summary),
             std::move(h), max_body);
  };
  auto id = [](const Request& r) { return r.path_params.at("id"); };
  auto reply = [](const StatusOr<directory::Service>& s, int status = 200) {
    if (!s.ok()) return Err(s.status());
    return Ok(EncodeService(*s), status);
  };

  add("GET", "/api/v1/public/directory", "public", "the public directory", [&d](Request& req) {
    auto f = DecodeFilter(req);
    if (!f.ok()) return Err(f.status());
    auto list = d.directory->PublicList(*f);
    if (!list.ok()) return Err(list.status());
    Response r = Ok(Items(*list, EncodePublicService));
    // The same answer for everyone: shared caches may keep it a little while.
    r.SetHeader("Cache-Control", "public, max-age=60");
    return r;
  });
  add("GET", "/api/v1/public/directory/hsds", "public", "the public directory as HSDS 3.0",
      [&d](Request& req) {
        auto f = DecodeFilter(req);
        if (!f.ok()) return Err(f.status());
        auto doc = d.directory->PublicHsds(*f);
        if (!doc.ok()) return Err(doc.status());
        Response r = Ok(*doc);
        r.SetHeader("Cache-Control", "public, max-age=300");
        return r;
      });
  add("GET", "/api/v1/reference/directory-vocabulary", "public", "directory vocabularies",
      [](Request&) {
        auto list = [](const std::vector<std::string_view>& v) {
          Json a = Json::array();
          for (auto s : v) a.push_back(std::string(s));
          return a;
        };
        Json r = {{"services", list(directory::ServiceKinds())},
                  {"languages", list(directory::LanguageCodes())},
                  {"accessibility", list(directory::AccessibilityFeatures())},
                  {"days", list(directory::WeekDays())}};
        Response resp = Ok(r);
        resp.SetHeader("Cache-Control", "public, max-age=3600");
        return resp;
      });

  add("GET", "/api/v1/directory/services", "directory.read", "list services", [&d](Request& req) {
    auto f = DecodeFilter(req);
    if (!f.ok()) return Err(f.status());
    if (auto u = req.Query("unit_id"); u && !u->empty()) f->unit_id = *u;
    auto list = d.directory->List(Call().ctx, *f);
    if (!list.ok()) return Err(list.status());
    return Ok(Items(*list, EncodeService));
  });
  add("POST", "/api/v1/directory/services", "directory.write", "add a service",
      [&d, reply](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        auto in = DecodeServiceInput(*body, true);
        if (!in.ok()) return Err(in.status());
        return reply(d.directory->Create(Call().ctx, std::move(*in)), 201);
      });
  add("GET", "/api/v1/directory/services/{id}", "directory.read", "read a service",
      [&d, id, reply](Request& req) { return reply(d.directory->Get(Call().ctx, id(req))); });
  add("PUT", "/api/v1/directory/services/{id}", "directory.write", "replace a service",
      [&d, id, reply](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        auto in = DecodeServiceInput(*body, false);
        if (!in.ok()) return Err(in.status());
        return reply(d.directory->Update(Call().ctx, id(req), std::move(*in)));
      });
  add("POST", "/api/v1/directory/services/{id}/publication", "directory.publish",
      "publish or withdraw a service", [&d, id, reply](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        ObjectReader r(*body);
        directory::Publication p;
        Status s = r.Check();
        if (s.ok()) s = r.Bool("published", &p.published);
        if (s.ok()) s = r.OptBool("publish_availability", &p.publish_availability);
        if (s.ok()) s = r.Finish();
        if (!s.ok()) return Err(s);
        return reply(d.directory->Publish(Call().ctx, id(req), p));
      });
  for (bool admission : {true, false}) {
    add("POST",
        admission ? "/api/v1/directory/services/{id}/admissions"
                  : "/api/v1/directory/services/{id}/exits",
        admission ? "shelter.admit" : "shelter.exit",
        admission ? "record an admission" : "record an exit",
        [&d, id, reply, admission](Request& req) {
          auto m = DecodeMovement(req);
          if (!m.ok()) return Err(m.status());
          return reply(admission ? d.directory->Admit(Call().ctx, id(req), *m)
                                 : d.directory->Exit(Call().ctx, id(req), *m));
        });
  }
  add("GET", "/api/v1/directory/find-bed", "shelter.find", "shelters with room, nearest first",
      [&d](Request& req) {
        directory::BedQuery q;
        auto region = QueryInt(req, "region_code", 1, 12);
        if (!region.ok()) return Err(region.status());
        q.region_code = *region;
        if (auto p = req.Query("province_code"); p && !p->empty()) q.province_code = *p;
        auto lat = QueryDouble(req, "latitude");
        if (!lat.ok()) return Err(lat.status());
        auto lon = QueryDouble(req, "longitude");
        if (!lon.ok()) return Err(lon.status());
        q.latitude = *lat;
        q.longitude = *lon;
        auto adults = QueryInt(req, "adults", 0, 50);
        if (!adults.ok()) return Err(adults.status());
        auto children = QueryInt(req, "children", 0, 50);
        if (!children.ok()) return Err(children.status());
        q.adults = adults->value_or(1);
        q.children = children->value_or(0);
        auto found = d.directory->FindBed(Call().ctx, q);
        if (!found.ok()) return Err(found.status());
        Json items = Json::array();
        for (const auto& m : *found) {
          Json j = EncodeService(m.service);
          j["distance_km"] = m.distance_km ? Json(*m.distance_km) : Json(nullptr);
          items.push_back(std::move(j));
        }
        return Ok({{"items", items}});
      });
  add("GET", "/api/v1/directory/hsds", "directory.export", "export the directory as HSDS 3.0",
      [&d](Request&) {
        auto doc = d.directory->ExportHsds(Call().ctx);
        if (!doc.ok()) return Err(doc.status());
        Response r = Ok(*doc);
        r.SetHeader("Content-Disposition", "attachment; filename=\"tamkine-directory-hsds.json\"");
        return r;
      });
  add(
      "POST", "/api/v1/directory/hsds", "directory.import",
      "import an HSDS 3.0 document (all or nothing)",
      [&d](Request& req) {
        if (req.body.empty()) return Err(InvalidArgument("a JSON body is required"));
        auto body = ParseJson(req.body, 16);
        if (!body.ok()) return Err(body.status());
        auto report = d.directory->ImportHsds(Call().ctx, *body);
        if (!report.ok()) return Err(report.status());
        return Ok({{"organizations_created", report->organizations_created},
                   {"services_created", report->services_created},
                   {"services_updated", report->services_updated}});
      },
      kHsdsBodyLimit);
}

}  // namespace tamkine::http::api
