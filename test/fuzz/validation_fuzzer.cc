// libFuzzer target: the identity validators (identity/validation.h). Accepted values must be
// normal forms: normalising them again changes nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "identity/validation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace id = tamkine::identity;
  std::string_view in(reinterpret_cast<const char*>(data), size);

  if (auto u = id::NormaliseUsername(in, "username"); u.ok()) {
    if (u->size() < 3 || u->size() > 64) std::abort();
    auto again = id::NormaliseUsername(*u, "username");
    if (!again.ok() || *again != *u) std::abort();
  }
  if (auto p = id::NormalisePhone(in, "phone"); p.ok()) {
    if (p->empty() || p->front() != '+' || p->size() > 16) std::abort();
    auto again = id::NormalisePhone(*p, "phone");
    if (!again.ok() || *again != *p) std::abort();
  }
  if (id::ValidateEmail(in, "email").ok()) {
    if (in.size() > 254 || in.find('@') == std::string_view::npos) std::abort();
  }
  (void)id::ValidateSector(in, "sector");
  (void)id::ValidateRole(in, "role");
  return 0;
}
