// The backup container: what goes in comes out with the right KEK, and any other KEK, any
// altered, reordered, truncated or extended file is refused.
#include "backup/encrypted_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace tamkine::backup {
namespace {

namespace fs = std::filesystem;

class EncryptedFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tamkine-encfile-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (dir_ / "b.tkb").string();
    kek_.fill(0x11);
    std::mt19937 rng(42);
    payload_.resize(3 * kChunkBytes + 1234);
    for (auto& c : payload_) c = static_cast<char>(rng());
  }
  void TearDown() override { fs::remove_all(dir_); }

  void WritePayload(const std::string& payload) {
    auto w = EncryptedWriter::Create(path_, kek_, Json{{"kind", "test"}});
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    // Uneven writes, so chunk boundaries do not follow the caller's.
    for (size_t off = 0; off < payload.size(); off += 10007) {
      ASSERT_TRUE((*w)->Write(std::string_view(payload).substr(off, 10007)).ok());
    }
    ASSERT_TRUE((*w)->Finish().ok());
  }

  // Reads the whole payload back, or the first error.
  StatusOr<std::string> ReadPayload(const crypto::Key256& kek) {
    ASSIGN_OR_RETURN(auto r, EncryptedReader::Open(path_));
    RETURN_IF_ERROR(r->Unlock(kek));
    std::string out;
    while (!r->done()) {
      ASSIGN_OR_RETURN(std::string chunk, r->Next());
      out += chunk;
    }
    return out;
  }

  std::string FileBytes() {
    std::ifstream in(path_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void SetFileBytes(const std::string& bytes) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  // Offset of the first frame: magic, length, header, nonce, wrapped key, stream header.
  size_t FirstFrame() {
    std::string b = FileBytes();
    uint32_t h = (uint32_t{static_cast<uint8_t>(b[8])} << 24) |
                 (uint32_t{static_cast<uint8_t>(b[9])} << 16) |
                 (uint32_t{static_cast<uint8_t>(b[10])} << 8) |
                 uint32_t{static_cast<uint8_t>(b[11])};
    return 12 + h + 24 + 48 + 24;
  }

  fs::path dir_;
  std::string path_;
  crypto::Key256 kek_{};
  std::string payload_;
};

TEST_F(EncryptedFileTest, RoundTripsAndIsPrivate) {
  WritePayload(payload_);
  auto back = ReadPayload(kek_);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, payload_);
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // The payload is nowhere in the file in clear.
  EXPECT_EQ(FileBytes().find(payload_.substr(5000, 64)), std::string::npos);
  auto r = EncryptedReader::Open(path_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->header()["kind"], "test");
}

TEST_F(EncryptedFileTest, EmptyPayloadRoundTrips) {
  WritePayload("");
  auto back = ReadPayload(kek_);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, "");
}

TEST_F(EncryptedFileTest, NeverOverwrites) {
  WritePayload("x");
  auto w = EncryptedWriter::Create(path_, kek_, Json::object());
  EXPECT_EQ(w.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(*ReadPayload(kek_), "x");
}

TEST_F(EncryptedFileTest, UnfinishedWriterLeavesNothing) {
  {
    auto w = EncryptedWriter::Create(path_, kek_, Json::object());
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Write(payload_).ok());
  }
  EXPECT_FALSE(fs::exists(path_));
}

TEST_F(EncryptedFileTest, WrongKekIsRefused) {
  WritePayload(payload_);
  crypto::Key256 other = kek_;
  other[31] ^= 1;
  auto back = ReadPayload(other);
  EXPECT_EQ(back.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(back.status().message().find("key-encryption key"), std::string::npos);
}

TEST_F(EncryptedFileTest, AlteredHeaderIsRefused) {
  WritePayload(payload_);
  std::string b = FileBytes();
  size_t pos = b.find("test");
  ASSERT_NE(pos, std::string::npos);
  b[pos] = 'b';  // still valid JSON, different header
  SetFileBytes(b);
  EXPECT_EQ(ReadPayload(kek_).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(EncryptedFileTest, EveryKindOfDamageIsDetected) {
  WritePayload(payload_);
  const std::string good = FileBytes();
  const size_t first = FirstFrame();
  const size_t frame = 4 + kChunkBytes + 17;  // a full frame with its length
  struct Damage {
    const char* what;
    std::string bytes;
  };
  std::string flipped = good;
  flipped[first + 100] ^= 0x01;
  std::string swapped = good;
  swapped.replace(first, frame, good.substr(first + frame, frame));
  swapped.replace(first + frame, frame, good.substr(first, frame));
  std::string dropped_frame = good;
  dropped_frame.erase(first + frame, frame);
  std::string no_final = good.substr(0, good.size() - (good.size() - first - 3 * frame));
  std::string truncated = good.substr(0, good.size() - 5);
  std::string extended = good + "x";
  std::string wrapped_key_flip = good;
  wrapped_key_flip[first - 24 - 10] ^= 0x01;
  for (const auto& d :
       {Damage{"bit flip in a frame", flipped}, Damage{"frames swapped", swapped},
        Damage{"frame removed", dropped_frame}, Damage{"final frame removed", no_final},
        Damage{"truncated", truncated}, Damage{"extra byte", extended},
        Damage{"wrapped key altered", wrapped_key_flip}}) {
    SetFileBytes(d.bytes);
    auto back = ReadPayload(kek_);
    EXPECT_FALSE(back.ok()) << d.what;
    EXPECT_EQ(back.status().code(), StatusCode::kFailedPrecondition) << d.what;
  }
}

TEST_F(EncryptedFileTest, NotABackup) {
  SetFileBytes(std::string("SQLite format 3") + '\0' + "and so on");
  EXPECT_EQ(EncryptedReader::Open(path_).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(EncryptedReader::Open((dir_ / "missing").string()).status().code(),
            StatusCode::kUnavailable);
}

}  // namespace
}  // namespace tamkine::backup
