#include "cases/media.h"

#include <algorithm>
#include <cstring>
#include <optional>

namespace tamkine::cases {

namespace {

constexpr uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

Status Malformed(std::string_view what, std::string_view field) {
  return InvalidArgument("is not a well-formed " + std::string(what), std::string(field));
}

bool StartsWith(std::span<const uint8_t> b, size_t at, std::string_view s) {
  return at + s.size() <= b.size() && std::memcmp(b.data() + at, s.data(), s.size()) == 0;
}

// --- JPEG ---------------------------------------------------------------------------------------

StatusOr<CleanFile> CleanJpeg(std::span<const uint8_t> in, std::string_view field) {
  CleanFile out{"image/jpeg", "jpg", {}, {}, {}};
  out.bytes.reserve(in.size());
  out.bytes.insert(out.bytes.end(), in.begin(), in.begin() + 2);  // SOI
  size_t i = 2;
  bool saw_scan = false;
  while (i < in.size()) {
    if (in[i] != 0xFF) return Malformed("JPEG", field);
    size_t m = i + 1;
    while (m < in.size() && in[m] == 0xFF) ++m;  // fill bytes
    if (m >= in.size()) return Malformed("JPEG", field);
    const uint8_t marker = in[m];
    if (marker == 0xD9) {  // EOI
      out.bytes.push_back(0xFF);
      out.bytes.push_back(0xD9);
      i = m + 1;
      break;
    }
    if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {  // RSTn, TEM: no length
      out.bytes.push_back(0xFF);
      out.bytes.push_back(marker);
      i = m + 1;
      continue;
    }
    if (m + 2 >= in.size()) return Malformed("JPEG", field);
    const size_t len = (static_cast<size_t>(in[m + 1]) << 8) | in[m + 2];
    if (len < 2 || m + 1 + len > in.size()) return Malformed("JPEG", field);
    const size_t seg_begin = m + 3;  // after the length
    const size_t seg_end = m + 1 + len;
    if (marker == 0xDA) {
      // Start of scan: the entropy-coded data (and, in progressive files, further tables and
      // scans) runs to the end-of-image marker; copied as is, cut after the last EOI.
      saw_scan = true;
      size_t eoi = std::string::npos;
      for (size_t k = in.size() - 1; k > seg_end; --k) {
        if (in[k - 1] == 0xFF && in[k] == 0xD9) {
          eoi = k + 1;
          break;
        }
      }
      if (eoi == std::string::npos) return Malformed("JPEG (no end of image)", field);
      out.bytes.push_back(0xFF);
      out.bytes.insert(out.bytes.end(), in.begin() + static_cast<std::ptrdiff_t>(m),
                       in.begin() + static_cast<std::ptrdiff_t>(eoi));
      if (eoi < in.size()) out.removed.emplace_back("data after end of image");
      i = in.size();
      break;
    }
    bool keep = true;
    std::string what;
    if (marker >= 0xE0 && marker <= 0xEF) {
      keep = (marker == 0xE0 && StartsWith(in, seg_begin, std::string_view("JFIF\0", 5))) ||
             (marker == 0xE2 && StartsWith(in, seg_begin, std::string_view("ICC_PROFILE\0", 12))) ||
             (marker == 0xEE && StartsWith(in, seg_begin, "Adobe"));
      if (!keep) {
        if (marker == 0xE1 && StartsWith(in, seg_begin, "Exif")) {
          what = "exif";
        } else if (marker == 0xE1) {
          what = "xmp";
        } else {
          what = "app" + std::to_string(marker - 0xE0);
        }
      }
    } else if (marker == 0xFE) {
      keep = false;
      what = "comment";
    }
    if (keep) {
      out.bytes.push_back(0xFF);
      out.bytes.insert(out.bytes.end(), in.begin() + static_cast<std::ptrdiff_t>(m),
                       in.begin() + static_cast<std::ptrdiff_t>(seg_end));
    } else if (std::find(out.removed.begin(), out.removed.end(), what) == out.removed.end()) {
      out.removed.emplace_back(what);
    }
    i = seg_end;
  }
  if (!saw_scan) return Malformed("JPEG (no image data)", field);
  return out;
}

// --- PNG ----------------------------------------------------------------------------------------

uint32_t Be32(std::span<const uint8_t> b, size_t at) {
  return (static_cast<uint32_t>(b[at]) << 24) | (static_cast<uint32_t>(b[at + 1]) << 16) |
         (static_cast<uint32_t>(b[at + 2]) << 8) | b[at + 3];
}

StatusOr<CleanFile> CleanPng(std::span<const uint8_t> in, std::string_view field) {
  static const std::vector<std::string> kDropped = {"tEXt", "zTXt", "iTXt", "eXIf", "tIME"};
  CleanFile out{"image/png", "png", {}, {}, {}};
  out.bytes.assign(in.begin(), in.begin() + 8);
  size_t i = 8;
  bool first = true, ended = false;
  while (i + 12 <= in.size()) {
    const size_t len = Be32(in, i);
    if (len > in.size() || i + 12 + len > in.size()) return Malformed("PNG", field);
    std::string type(reinterpret_cast<const char*>(in.data() + i + 4), 4);
    if (first && type != "IHDR") return Malformed("PNG", field);
    first = false;
    const size_t end = i + 12 + len;
    if (std::find(kDropped.begin(), kDropped.end(), type) != kDropped.end()) {
      std::string what = "png:" + type;
      if (std::find(out.removed.begin(), out.removed.end(), what) == out.removed.end()) {
        out.removed.emplace_back(what);
      }
    } else {
      out.bytes.insert(out.bytes.end(), in.begin() + static_cast<std::ptrdiff_t>(i),
                       in.begin() + static_cast<std::ptrdiff_t>(end));
    }
    i = end;
    if (type == "IEND") {
      ended = true;
      break;
    }
  }
  if (!ended) return Malformed("PNG (no IEND chunk)", field);
  if (i < in.size()) out.removed.emplace_back("data after IEND");
  return out;
}

// --- PDF ----------------------------------------------------------------------------------------

bool IsPdfWhite(uint8_t c) { return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32; }
bool IsPdfDelim(uint8_t c) {
  return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
         c == '}' || c == '/' || c == '%';
}

int HexValue(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Every PDF name in [begin, end) with #xx escapes decoded, with the offset of its '/'.
std::vector<std::pair<size_t, std::string>> Names(std::span<const uint8_t> b, size_t begin,
                                                  size_t end) {
  std::vector<std::pair<size_t, std::string>> out;
  for (size_t i = begin; i < end; ++i) {
    if (b[i] != '/') continue;
    std::string name;
    size_t j = i + 1;
    while (j < end && !IsPdfWhite(b[j]) && !IsPdfDelim(b[j])) {
      if (b[j] == '#' && j + 2 < end && HexValue(b[j + 1]) >= 0 && HexValue(b[j + 2]) >= 0) {
        name += static_cast<char>(HexValue(b[j + 1]) * 16 + HexValue(b[j + 2]));
        j += 3;
      } else {
        name += static_cast<char>(b[j]);
        ++j;
      }
    }
    out.emplace_back(i, name);
    i = j - 1;
  }
  return out;
}

size_t Find(std::span<const uint8_t> b, std::string_view s, size_t from) {
  if (s.empty() || b.size() < s.size()) return std::string::npos;
  for (size_t i = from; i + s.size() <= b.size(); ++i) {
    if (b[i] == static_cast<uint8_t>(s[0]) && std::memcmp(b.data() + i, s.data(), s.size()) == 0) {
      return i;
    }
  }
  return std::string::npos;
}

// Reads "N G R" after `at` (skipping white space); nullopt if it is not there.
std::optional<std::pair<long, long>> ReadRef(std::span<const uint8_t> b, size_t* at) {
  auto skip = [&] {
    while (*at < b.size() && IsPdfWhite(b[*at])) ++*at;
  };
  auto number = [&]() -> std::optional<long> {
    skip();
    size_t start = *at;
    long v = 0;
    while (*at < b.size() && b[*at] >= '0' && b[*at] <= '9' && *at - start < 10) {
      v = v * 10 + (b[*at] - '0');
      ++*at;
    }
    if (*at == start) return std::nullopt;
    return v;
  };
  auto n = number();
  auto g = number();
  skip();
  if (!n || !g || *at >= b.size() || b[*at] != 'R') return std::nullopt;
  ++*at;
  return std::make_pair(*n, *g);
}

// The end (one past ">>") of the dictionary starting at `open` ("<<"), nesting and strings aware;
// npos when unbalanced.
size_t DictEnd(std::span<const uint8_t> b, size_t open) {
  int depth = 0;
  size_t i = open;
  while (i + 1 < b.size()) {
    if (b[i] == '<' && b[i + 1] == '<') {
      ++depth;
      i += 2;
    } else if (b[i] == '>' && b[i + 1] == '>') {
      --depth;
      i += 2;
      if (depth == 0) return i;
    } else if (b[i] == '(') {  // literal string, with nesting and escapes
      int paren = 1;
      ++i;
      while (i < b.size() && paren > 0) {
        if (b[i] == '\\') {
          i += 2;
          continue;
        }
        if (b[i] == '(') ++paren;
        if (b[i] == ')') --paren;
        ++i;
      }
    } else if (b[i] == '<') {  // hex string
      while (i < b.size() && b[i] != '>') ++i;
      ++i;
    } else {
      ++i;
    }
  }
  return std::string::npos;
}

// Offsets just after "N G obj" for every definition of the object.
std::vector<size_t> ObjectStarts(std::span<const uint8_t> b, long n, long g) {
  std::vector<size_t> out;
  const std::string pat = std::to_string(n) + " " + std::to_string(g) + " obj";
  size_t pos = 0;
  while ((pos = Find(b, pat, pos)) != std::string::npos) {
    bool boundary = pos == 0 || IsPdfWhite(b[pos - 1]);
    if (boundary) out.push_back(pos + pat.size());
    pos += pat.size();
  }
  return out;
}

void Blank(std::vector<uint8_t>* b, size_t begin, size_t end) {
  for (size_t i = begin; i < end && i < b->size(); ++i) {
    if ((*b)[i] != '\n' && (*b)[i] != '\r') (*b)[i] = ' ';
  }
}

StatusOr<CleanFile> CleanPdf(std::span<const uint8_t> in, std::string_view field) {
  CleanFile out{"application/pdf", "pdf", {in.begin(), in.end()}, {}, {}};
  if (Find(in, "%%EOF", 0) == std::string::npos) return Malformed("PDF (no %%EOF)", field);
  static const std::vector<std::string> kActive = {"JavaScript", "JS", "Launch", "EmbeddedFile",
                                                   "RichMedia"};
  const auto names = Names(in, 0, in.size());
  for (const auto& [at, name] : names) {
    if (std::find(kActive.begin(), kActive.end(), name) != kActive.end()) {
      return InvalidArgument(
          "PDF files with active content (" + name + ") are refused; print it to a new PDF first",
          std::string(field));
    }
  }
  if (Find(in, "/Encrypt", 0) != std::string::npos) {
    out.warnings.emplace_back("encrypted PDF: metadata not inspected");
    return out;
  }
  if (Find(in, "/ObjStm", 0) != std::string::npos) {
    out.warnings.emplace_back("compressed object streams: metadata inside them is not removed");
  }
  // The document information dictionary, wherever a trailer points to it.
  bool info_removed = false;
  for (const auto& [at, name] : names) {
    if (name != "Info") continue;
    size_t p = at + 5;
    auto ref = ReadRef(in, &p);
    if (!ref) continue;
    for (size_t start : ObjectStarts(in, ref->first, ref->second)) {
      size_t open = Find(in, "<<", start);
      size_t endobj = Find(in, "endobj", start);
      if (open == std::string::npos || (endobj != std::string::npos && open > endobj)) continue;
      size_t close = DictEnd(in, open);
      if (close == std::string::npos) continue;
      // Entries may point to other objects holding the strings: blank those too.
      for (size_t k = open + 2; k + 2 < close; ++k) {
        size_t q = k;
        if (!(in[k] >= '0' && in[k] <= '9') || (k > 0 && in[k - 1] >= '0' && in[k - 1] <= '9')) {
          continue;
        }
        auto inner = ReadRef(in, &q);
        if (!inner || q > close) continue;
        for (size_t s : ObjectStarts(in, inner->first, inner->second)) {
          size_t e = Find(in, "endobj", s);
          if (e != std::string::npos) {
            Blank(&out.bytes, s, e);
            out.bytes[s] = ' ';
            if (e - s >= 5) std::memcpy(out.bytes.data() + s + 1, "null", 4);
          }
        }
        k = q;
      }
      Blank(&out.bytes, open + 2, close - 2);
      info_removed = true;
    }
  }
  if (info_removed) out.removed.emplace_back("pdf:info");
  // XMP metadata streams: dictionaries with /Type /Metadata and /Subtype /XML.
  bool xmp_removed = false;
  for (size_t i = 0; i + 1 < in.size(); ++i) {
    if (!(in[i] == '<' && in[i + 1] == '<')) continue;
    size_t close = DictEnd(in, i);
    if (close == std::string::npos) break;
    auto dict_names = Names(in, i, close);
    bool metadata = false, xml = false;
    for (size_t k = 0; k + 1 < dict_names.size(); ++k) {
      if (dict_names[k].second == "Type" && dict_names[k + 1].second == "Metadata") metadata = true;
      if (dict_names[k].second == "Subtype" && dict_names[k + 1].second == "XML") xml = true;
    }
    if (metadata && xml) {
      size_t s = close;
      while (s < in.size() && IsPdfWhite(in[s])) ++s;
      if (StartsWith(in, s, "stream")) {
        size_t data = s + 6;
        if (StartsWith(in, data, "\r\n")) {
          data += 2;
        } else if (data < in.size() && in[data] == '\n') {
          ++data;
        }
        size_t end = Find(in, "endstream", data);
        if (end != std::string::npos) {
          Blank(&out.bytes, data, end);
          xmp_removed = true;
        }
      }
    }
    i = close - 1;
  }
  if (xmp_removed) out.removed.emplace_back("pdf:xmp");
  return out;
}

}  // namespace

std::string_view SniffMime(std::span<const uint8_t> b) {
  if (StartsWith(b, 0, "%PDF-")) return "application/pdf";
  if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return "image/jpeg";
  if (b.size() >= 8 && std::memcmp(b.data(), kPngSignature, 8) == 0) return "image/png";
  return "";
}

StatusOr<CleanFile> CleanUpload(std::span<const uint8_t> bytes, std::string_view field) {
  if (bytes.size() > kMaxDocumentBytes) {
    return Status(StatusCode::kPayloadTooLarge,
                  "must be at most " + std::to_string(kMaxDocumentBytes / (1024 * 1024)) + " MiB",
                  std::string(field));
  }
  if (bytes.empty()) return InvalidArgument("must not be empty", std::string(field));
  std::string_view mime = SniffMime(bytes);
  if (mime == "application/pdf") return CleanPdf(bytes, field);
  if (mime == "image/jpeg") return CleanJpeg(bytes, field);
  if (mime == "image/png") return CleanPng(bytes, field);
  return InvalidArgument("must be a PDF, JPEG or PNG file", std::string(field));
}

}  // namespace tamkine::cases
