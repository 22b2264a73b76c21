// Uploaded document files: the type is decided by magic bytes (PDF, JPEG, PNG only), the size is
// bounded, and metadata that can identify a person or a place is removed before the bytes are
// sealed. Best-effort for PDF: see docs/cases.md for what is and is not removed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tamkine::cases {

inline constexpr size_t kMaxDocumentBytes = 10 * 1024 * 1024;

struct CleanFile {
  std::string mime;       // application/pdf | image/jpeg | image/png
  std::string extension;  // pdf | jpg | png
  std::vector<uint8_t> bytes;
  std::vector<std::string> removed;   // what was stripped, e.g. "exif", "png:tEXt"
  std::vector<std::string> warnings;  // what could not be checked or removed
};

// "application/pdf", "image/jpeg", "image/png" from the first bytes; "" for anything else.
std::string_view SniffMime(std::span<const uint8_t> bytes);

// Checks and cleans an upload. PayloadTooLarge (field) above kMaxDocumentBytes; InvalidArgument
// (field) for an empty file, another type, a file that is not well-formed enough to clean, or a
// PDF with active content (JavaScript, launch actions, embedded files).
//  - JPEG: keeps JFIF (APP0), ICC profiles (APP2) and Adobe colour data (APP14); drops every
//    other APPn segment (Exif with GPS and camera serials, XMP, ...) and comments; drops bytes
//    after the end-of-image marker.
//  - PNG: drops tEXt, zTXt, iTXt, eXIf and tIME chunks and anything after IEND.
//  - PDF: blanks the document information dictionary (and the objects it points to) and XMP
//    metadata streams in place, keeping every byte offset so the cross-reference table stays
//    valid. Objects inside compressed object streams are not seen (reported as a warning).
StatusOr<CleanFile> CleanUpload(std::span<const uint8_t> bytes, std::string_view field);

}  // namespace tamkine::cases
