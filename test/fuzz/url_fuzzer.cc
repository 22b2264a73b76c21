// libFuzzer target: request-target parsing (http/url.h), the first thing the server does with
// attacker-chosen bytes. Checks the documented contract on every accepted input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (bool plus : {false, true}) {
    auto d = tamkine::http::PercentDecode(in, plus);
    if (d.ok()) {
      // Decoding never grows the text and never yields the NUL it promises to refuse.
      if (d->size() > in.size()) std::abort();
      if (d->find('\0') != std::string::npos && in.find('\0') == std::string_view::npos) {
        std::abort();
      }
    }
  }
  auto t = tamkine::http::ParseTarget(in);
  if (t.ok()) {
    if (t->path.empty() || t->path.front() != '/') std::abort();
    for (const auto& [name, value] : t->query) {
      if (name.size() + value.size() > in.size()) std::abort();
    }
  }
  return 0;
}
