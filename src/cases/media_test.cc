// Uploaded files: type by magic bytes, size limit, and metadata stripped from JPEG, PNG and PDF.
#include "cases/media.h"

#include <gtest/gtest.h>

#include <string>

namespace tamkine::cases {
namespace {

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }
std::string Text(const std::vector<uint8_t>& b) { return {b.begin(), b.end()}; }

void Segment(std::string* out, uint8_t marker, const std::string& payload) {
  size_t len = payload.size() + 2;
  *out += '\xFF';
  *out += static_cast<char>(marker);
  *out += static_cast<char>(len >> 8);
  *out += static_cast<char>(len & 0xFF);
  *out += payload;
}

std::string Jpeg() {
  std::string j = "\xFF\xD8";
  Segment(&j, 0xE0, std::string("JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14));
  Segment(&j, 0xE1, std::string("Exif\0\0GPS 34.0331N 5.0003W Planted-Camera-Serial", 48));
  Segment(&j, 0xE1,
          std::string("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>Planted-Author</x:xmpmeta>", 66));
  Segment(&j, 0xE2, std::string("ICC_PROFILE\0\x01\x01profile", 21));
  Segment(&j, 0xFE, "Planted comment");
  Segment(&j, 0xDB, std::string(65, '\x01'));                           // DQT
  Segment(&j, 0xC0, std::string("\x08\0\x01\0\x01\x01\x01\x11\0", 9));  // SOF0
  Segment(&j, 0xDA, std::string("\x01\x01\0\0\x3F\0", 6));              // SOS
  j += std::string("\x12\x34\xFF\x00\x56", 5);                          // scan data
  j += "\xFF\xD9";
  j += "Planted trailer";
  return j;
}

TEST(MediaTest, JpegLosesExifXmpCommentsAndTrailer) {
  auto in = Bytes(Jpeg());
  auto out = CleanUpload(in, "file");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->mime, "image/jpeg");
  std::string t = Text(out->bytes);
  EXPECT_EQ(t.find("Planted"), std::string::npos) << t;
  EXPECT_EQ(t.find("GPS"), std::string::npos);
  EXPECT_NE(t.find("JFIF"), std::string::npos);
  EXPECT_NE(t.find("ICC_PROFILE"), std::string::npos);
  EXPECT_EQ(t.substr(0, 2), "\xFF\xD8");
  EXPECT_EQ(t.substr(t.size() - 2), "\xFF\xD9");
  EXPECT_EQ(SniffMime(out->bytes), "image/jpeg");
  std::set<std::string> removed(out->removed.begin(), out->removed.end());
  EXPECT_TRUE(removed.count("exif"));
  EXPECT_TRUE(removed.count("xmp"));
  EXPECT_TRUE(removed.count("comment"));
}

TEST(MediaTest, TruncatedJpegIsRefused) {
  std::string j = Jpeg().substr(0, 30);
  auto out = CleanUpload(Bytes(j), "file");
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(out.status().field(), "file");
}

void Chunk(std::string* out, const std::string& type, const std::string& data) {
  uint32_t len = static_cast<uint32_t>(data.size());
  for (int s = 24; s >= 0; s -= 8) *out += static_cast<char>((len >> s) & 0xFF);
  *out += type + data + "CRC!";
}

TEST(MediaTest, PngLosesTextTimeAndExif) {
  std::string p = "\x89PNG\r\n\x1A\n";
  Chunk(&p, "IHDR", std::string(13, '\x01'));
  Chunk(&p, "tEXt", std::string("Author\0Planted Name", 19));
  Chunk(&p, "tIME", std::string(7, '\x07'));
  Chunk(&p, "eXIf", "Planted GPS");
  Chunk(&p, "IDAT", "pixels");
  Chunk(&p, "iTXt", "Planted international");
  Chunk(&p, "IEND", "");
  p += "Planted after end";
  auto out = CleanUpload(Bytes(p), "file");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  std::string t = Text(out->bytes);
  EXPECT_EQ(t.find("Planted"), std::string::npos);
  EXPECT_EQ(t.find("tIME"), std::string::npos);
  EXPECT_NE(t.find("IHDR"), std::string::npos);
  EXPECT_NE(t.find("IDATpixels"), std::string::npos);
  EXPECT_NE(t.find("IEND"), std::string::npos);
}

TEST(MediaTest, PdfInfoAndXmpAreBlankedInPlace) {
  std::string pdf =
      "%PDF-1.4\n"
      "1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R >>\nendobj\n"
      "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
      "3 0 obj\n<< /Author (Planted Author \\(x\\)) /Title 4 0 R /Producer <506c616e74> >>\n"
      "endobj\n"
      "4 0 obj\n(Planted Title)\nendobj\n"
      "5 0 obj\n<< /Type /Metadata /Subtype /XML /Length 40 >>\nstream\n"
      "<x:xmpmeta>Planted creator</x:xmpmeta>\n\nendstream\nendobj\n"
      "xref\n0 6\n0000000000 65535 f \ntrailer\n<< /Size 6 /Root 1 0 R /Info 3 0 R >>\n"
      "startxref\n0\n%%EOF\n";
  auto out = CleanUpload(Bytes(pdf), "file");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  std::string t = Text(out->bytes);
  EXPECT_EQ(t.size(), pdf.size()) << "byte offsets must not move";
  EXPECT_EQ(t.find("Planted"), std::string::npos) << t;
  EXPECT_EQ(t.find("506c616e74"), std::string::npos);
  EXPECT_NE(t.find("/Type /Catalog"), std::string::npos);
  EXPECT_NE(t.find("/Info 3 0 R"), std::string::npos);
  EXPECT_NE(t.find("4 0 obj null"), std::string::npos);
  std::set<std::string> removed(out->removed.begin(), out->removed.end());
  EXPECT_TRUE(removed.count("pdf:info"));
  EXPECT_TRUE(removed.count("pdf:xmp"));
}

TEST(MediaTest, PdfWithActiveContentIsRefused) {
  for (const char* name : {"/JavaScript", "/JS", "/Launch", "/J#61vaScript", "/EmbeddedFile"}) {
    std::string pdf = std::string("%PDF-1.7\n1 0 obj\n<< /OpenAction << /S ") + name +
                      " (app.alert(1)) >> >>\nendobj\ntrailer\n<< >>\n%%EOF\n";
    auto out = CleanUpload(Bytes(pdf), "file.content_base64");
    EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument) << name;
    EXPECT_EQ(out.status().field(), "file.content_base64") << name;
  }
}

TEST(MediaTest, OtherTypesSizesAndEmptyAreRefused) {
  EXPECT_EQ(CleanUpload(Bytes("GIF89a...."), "f").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CleanUpload(Bytes("<html><script>"), "f").status().field(), "f");
  EXPECT_EQ(CleanUpload({}, "f").status().code(), StatusCode::kInvalidArgument);
  std::vector<uint8_t> big(kMaxDocumentBytes + 1, 'x');
  big[0] = '%';
  auto too_big = CleanUpload(big, "f");
  EXPECT_EQ(too_big.status().code(), StatusCode::kPayloadTooLarge);
  EXPECT_EQ(too_big.status().field(), "f");
  EXPECT_EQ(CleanUpload(Bytes("%PDF-1.4 no end"), "f").status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tamkine::cases
