#include "directory/directory_store.h"

#include "common/json.h"
#include "reference/regions.h"

namespace tamkine::directory {

namespace {

constexpr std::string_view kSelect =
    "SELECT s.id, s.unit_id, u.name, s.name, s.description, s.sector, s.region_code, "
    "s.province_code, s.commune, s.address, s.latitude, s.longitude, s.phones, s.email, s.hours, "
    "s.open_24h, s.kinds, s.languages, s.accessibility, s.free_of_charge, s.published, "
    "s.created_at, s.updated_at, h.beds, h.child_places, h.beds_occupied, h.children_occupied, "
    "h.admission_criteria, h.publish_availability, h.updated_at "
    "FROM directory_services s JOIN units u ON u.id = s.unit_id "
    "LEFT JOIN shelters h ON h.service_id = s.id";

std::string EncodeList(const std::vector<std::string>& v) {
  std::string out = ",";
  for (const auto& s : v) out += s + ",";
  return out;
}

std::vector<std::string> DecodeList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string EncodeHours(const std::vector<OpeningHours>& hours) {
  Json a = Json::array();
  for (const auto& h : hours)
    a.push_back({{"days", h.days}, {"opens", h.opens}, {"closes", h.closes}});
  return DumpJson(a);
}

std::vector<OpeningHours> DecodeHours(const std::string& text) {
  std::vector<OpeningHours> out;
  auto j = ParseJson(text);
  if (!j.ok() || !j->is_array()) return out;  // written by EncodeHours only
  for (const auto& h : *j) {
    OpeningHours o;
    o.days = h.value("days", std::vector<std::string>{});
    o.opens = h.value("opens", "");
    o.closes = h.value("closes", "");
    out.push_back(std::move(o));
  }
  return out;
}

std::optional<double> OptDouble(const storage::Row& r, size_t i) {
  if (r.IsNull(i)) return std::nullopt;
  return r.Double(i);
}

Service FromRow(const storage::Row& r) {
  Service s;
  s.id = r.Text(0);
  s.unit_id = r.Text(1);
  s.unit_name = r.Text(2);
  s.name = r.Text(3);
  s.description = r.OptText(4);
  s.sector = r.Text(5);
  s.region_code = static_cast<int>(r.Int(6));
  s.province_code = r.Text(7);
  s.commune = r.OptText(8);
  s.address = r.OptText(9);
  s.latitude = OptDouble(r, 10);
  s.longitude = OptDouble(r, 11);
  auto phones = ParseJson(r.Text(12));
  if (phones.ok() && phones->is_array()) {
    for (const auto& p : *phones) {
      if (p.is_string()) s.phones.push_back(p.get<std::string>());
    }
  }
  s.email = r.OptText(13);
  s.hours = DecodeHours(r.Text(14));
  s.open_24h = r.Bool(15);
  s.kinds = DecodeList(r.Text(16));
  s.languages = DecodeList(r.Text(17));
  s.accessibility = DecodeList(r.Text(18));
  s.free_of_charge = r.Bool(19);
  s.published = r.Bool(20);
  s.created_at = r.Int(21);
  s.updated_at = r.Int(22);
  if (!r.IsNull(23)) {
    Shelter h;
    h.beds = r.Int(23);
    h.child_places = r.Int(24);
    h.beds_occupied = r.Int(25);
    h.children_occupied = r.Int(26);
    h.admission_criteria = r.OptText(27);
    h.publish_availability = r.Bool(28);
    h.updated_at = r.Int(29);
    s.shelter = h;
  }
  return s;
}

storage::Value OptDoubleValue(const std::optional<double>& d) {
  if (!d) return storage::Null();
  return *d;
}

Status UpsertShelter(storage::Tx& tx, const Service& s) {
  if (!s.shelter) return Status::Ok();
  const Shelter& h = *s.shelter;
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Exec("UPDATE shelters SET beds = ?, child_places = ?, beds_occupied = ?, "
                           "children_occupied = ?, admission_criteria = ?, "
                           "publish_availability = ?, updated_at = ? WHERE service_id = ?",
                           {h.beds, h.child_places, h.beds_occupied, h.children_occupied,
                            storage::Opt(h.admission_criteria),
                            storage::Bool(h.publish_availability), h.updated_at, s.id}));
  if (changed > 0) return Status::Ok();
  return tx
      .Exec(
          "INSERT INTO shelters (service_id, beds, child_places, beds_occupied, "
          "children_occupied, admission_criteria, publish_availability, updated_at) VALUES "
          "(?, ?, ?, ?, ?, ?, ?, ?)",
          {s.id, h.beds, h.child_places, h.beds_occupied, h.children_occupied,
           storage::Opt(h.admission_criteria), storage::Bool(h.publish_availability), h.updated_at})
      .status();
}

storage::Params RowParams(const Service& s) {
  return {s.unit_id,
          s.name,
          storage::Opt(s.description),
          s.sector,
          static_cast<int64_t>(s.region_code),
          s.province_code,
          storage::Opt(s.commune),
          storage::Opt(s.address),
          OptDoubleValue(s.latitude),
          OptDoubleValue(s.longitude),
          DumpJson(Json(s.phones)),
          storage::Opt(s.email),
          EncodeHours(s.hours),
          storage::Bool(s.open_24h),
          EncodeList(s.kinds),
          EncodeList(s.languages),
          EncodeList(s.accessibility),
          storage::Bool(s.free_of_charge),
          storage::Bool(s.published),
          s.updated_at};
}

}  // namespace

Service FromInput(const ServiceInput& in, const std::string& id, const std::string& unit_name,
                  const std::string& sector, const std::string& unit_province, Micros now) {
  Service s;
  s.id = id;
  s.unit_id = in.unit_id;
  s.unit_name = unit_name;
  s.name = in.name;
  s.description = in.description;
  s.sector = sector;
  s.province_code = in.province_code.value_or(unit_province);
  s.region_code = reference::RegionOfProvince(s.province_code);
  s.commune = in.commune;
  s.address = in.address;
  s.latitude = in.latitude;
  s.longitude = in.longitude;
  s.phones = in.phones;
  s.email = in.email;
  s.hours = in.hours;
  s.open_24h = in.open_24h;
  s.kinds = in.kinds;
  s.languages = in.languages;
  s.accessibility = in.accessibility;
  s.free_of_charge = in.free_of_charge;
  if (in.shelter) {
    Shelter h;
    h.beds = in.shelter->beds;
    h.child_places = in.shelter->child_places;
    h.admission_criteria = in.shelter->admission_criteria;
    h.updated_at = now;
    s.shelter = h;
  }
  s.created_at = s.updated_at = now;
  return s;
}

StatusOr<std::optional<Service>> LoadService(storage::Tx& tx, const std::string& id) {
  ASSIGN_OR_RETURN(auto row, tx.QueryOne(std::string(kSelect) + " WHERE s.id = ?", {id}));
  if (!row) return std::optional<Service>();
  return std::optional<Service>(FromRow(*row));
}

StatusOr<std::vector<Service>> QueryServices(storage::Tx& tx, const ServiceFilter& f) {
  std::string sql = std::string(kSelect) + " WHERE 1 = 1";
  storage::Params params;
  if (f.unit_id) {
    sql += " AND s.unit_id = ?";
    params.emplace_back(*f.unit_id);
  }
  if (f.region_code) {
    sql += " AND s.region_code = ?";
    params.emplace_back(*f.region_code);
  }
  if (f.province_code) {
    sql += " AND s.province_code = ?";
    params.emplace_back(*f.province_code);
  }
  if (f.sector) {
    sql += " AND s.sector = ?";
    params.emplace_back(*f.sector);
  }
  if (f.kind) {
    sql += " AND s.kinds LIKE ?";
    params.emplace_back("%," + *f.kind + ",%");
  }
  if (f.published_only) sql += " AND s.published = 1";
  sql += " ORDER BY s.province_code, s.sector, s.name, s.id LIMIT 5000";
  ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
  std::vector<Service> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(FromRow(r));
  return out;
}

Status InsertService(storage::Tx& tx, const Service& s) {
  storage::Params p = RowParams(s);
  p.insert(p.begin(), s.id);
  p.insert(p.end() - 1, s.created_at);
  RETURN_IF_ERROR(tx.Exec("INSERT INTO directory_services (id, unit_id, name, description, sector, "
                          "region_code, province_code, commune, address, latitude, longitude, "
                          "phones, email, hours, open_24h, kinds, languages, accessibility, "
                          "free_of_charge, published, created_at, updated_at) VALUES (?, ?, ?, "
                          "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          p)
                      .status());
  return UpsertShelter(tx, s);
}

Status UpdateService(storage::Tx& tx, const Service& s) {
  storage::Params p = RowParams(s);
  p.push_back(s.id);
  RETURN_IF_ERROR(tx.Exec("UPDATE directory_services SET unit_id = ?, name = ?, description = ?, "
                          "sector = ?, region_code = ?, province_code = ?, commune = ?, "
                          "address = ?, latitude = ?, longitude = ?, phones = ?, email = ?, "
                          "hours = ?, open_24h = ?, kinds = ?, languages = ?, accessibility = ?, "
                          "free_of_charge = ?, published = ?, updated_at = ? WHERE id = ?",
                          p)
                      .status());
  return UpsertShelter(tx, s);
}

}  // namespace tamkine::directory
