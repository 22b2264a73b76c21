#include "backup/encrypted_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace tamkine::backup {

namespace {

constexpr std::string_view kMagic("TMKBKP\x00\x01", 8);
constexpr size_t kMaxHeader = 64 * 1024;
constexpr uint64_t kKdfId = 1;
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "tmkbckup";
constexpr size_t kMaxFrame = kChunkBytes + crypto_secretstream_xchacha20poly1305_ABYTES;

static_assert(crypto_secretstream_xchacha20poly1305_HEADERBYTES == 24);
static_assert(crypto_secretstream_xchacha20poly1305_KEYBYTES == 32);
static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == 24);
static_assert(crypto_kdf_KEYBYTES == 32);

void EnsureSodium() {
  if (sodium_init() < 0) std::abort();  // no cryptography can be trusted then
}

void PutBe32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((v >> shift) & 0xFF));
}

uint32_t GetBe32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// The key that wraps stream keys, derived so that it is never the KEK itself.
std::array<uint8_t, 32> WrapKey(const crypto::Key256& kek) {
  std::array<uint8_t, 32> k{};
  crypto_kdf_derive_from_key(k.data(), k.size(), kKdfId, kKdfContext, kek.data());
  return k;
}

Status WriteAll(std::FILE* f, const void* data, size_t n, const std::string& path) {
  if (n > 0 && std::fwrite(data, 1, n, f) != n) {
    return Unavailable("cannot write " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

// Reads exactly n bytes; false at a clean end of file before any byte was read.
StatusOr<bool> ReadExact(std::FILE* f, uint8_t* out, size_t n) {
  size_t got = std::fread(out, 1, n, f);
  if (got == n) return true;
  if (std::ferror(f))
    return Unavailable(std::string("cannot read backup: ") + std::strerror(errno));
  if (got == 0) return false;
  return FailedPrecondition("backup is truncated");
}

Status SyncDirOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Ok();  // best effort: the file itself is synced
  ::fsync(fd);
  ::close(fd);
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<EncryptedWriter>> EncryptedWriter::Create(const std::string& path,
                                                                   const crypto::Key256& kek,
                                                                   const Json& header) {
  EnsureSodium();
  std::string header_text = DumpJson(header);
  if (header_text.size() > kMaxHeader) return InvalidArgument("backup header too large");
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return AlreadyExists(path + " already exists; not overwriting it");
    return Unavailable("cannot create " + path + ": " + std::strerror(errno));
  }
  std::unique_ptr<EncryptedWriter> w(new EncryptedWriter());
  w->path_ = path;
  w->file_ = ::fdopen(fd, "wb");
  if (w->file_ == nullptr) {
    ::close(fd);
    return Unavailable("cannot open " + path);
  }

  std::string prefix(kMagic);
  PutBe32(&prefix, static_cast<uint32_t>(header_text.size()));
  prefix += header_text;

  std::array<uint8_t, 32> stream_key{};
  crypto_secretstream_xchacha20poly1305_keygen(stream_key.data());
  std::array<uint8_t, 24> nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  std::array<uint8_t, 48> wrapped{};
  std::array<uint8_t, 32> wrap_key = WrapKey(kek);
  unsigned long long wrapped_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(wrapped.data(), &wrapped_len, stream_key.data(),
                                             stream_key.size(),
                                             reinterpret_cast<const uint8_t*>(prefix.data()),
                                             prefix.size(), nullptr, nonce.data(), wrap_key.data());
  sodium_memzero(wrap_key.data(), wrap_key.size());

  w->state_.resize(sizeof(crypto_secretstream_xchacha20poly1305_state));
  std::array<uint8_t, 24> stream_header{};
  crypto_secretstream_xchacha20poly1305_init_push(
      reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(w->state_.data()),
      stream_header.data(), stream_key.data());
  sodium_memzero(stream_key.data(), stream_key.size());

  RETURN_IF_ERROR(WriteAll(w->file_, prefix.data(), prefix.size(), path));
  RETURN_IF_ERROR(WriteAll(w->file_, nonce.data(), nonce.size(), path));
  RETURN_IF_ERROR(WriteAll(w->file_, wrapped.data(), wrapped.size(), path));
  RETURN_IF_ERROR(WriteAll(w->file_, stream_header.data(), stream_header.size(), path));
  return w;
}

EncryptedWriter::~EncryptedWriter() {
  if (file_ != nullptr) std::fclose(file_);
  if (!state_.empty()) sodium_memzero(state_.data(), state_.size());
  if (!finished_ && !path_.empty()) {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
}

Status EncryptedWriter::Write(std::string_view bytes) {
  if (finished_) return FailedPrecondition("backup already finished");
  payload_bytes_ += static_cast<int64_t>(bytes.size());
  while (!bytes.empty()) {
    size_t take = std::min(bytes.size(), kChunkBytes - pending_.size());
    pending_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (pending_.size() == kChunkBytes) RETURN_IF_ERROR(PushFrame(false));
  }
  return Status::Ok();
}

Status EncryptedWriter::PushFrame(bool final) {
  std::vector<uint8_t> frame(pending_.size() + crypto_secretstream_xchacha20poly1305_ABYTES);
  unsigned long long len = 0;
  crypto_secretstream_xchacha20poly1305_push(
      reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(state_.data()), frame.data(),
      &len, reinterpret_cast<const uint8_t*>(pending_.data()), pending_.size(), nullptr, 0,
      final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
            : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
  sodium_memzero(pending_.data(), pending_.size());
  pending_.clear();
  std::string len_bytes;
  PutBe32(&len_bytes, static_cast<uint32_t>(len));
  RETURN_IF_ERROR(WriteAll(file_, len_bytes.data(), len_bytes.size(), path_));
  return WriteAll(file_, frame.data(), static_cast<size_t>(len), path_);
}

Status EncryptedWriter::Finish() {
  if (finished_) return Status::Ok();
  RETURN_IF_ERROR(PushFrame(true));
  if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0) {
    return Unavailable("cannot write " + path_ + ": " + std::strerror(errno));
  }
  if (std::fclose(file_) != 0) {
    file_ = nullptr;
    return Unavailable("cannot write " + path_ + ": " + std::strerror(errno));
  }
  file_ = nullptr;
  RETURN_IF_ERROR(SyncDirOf(path_));
  finished_ = true;
  return Status::Ok();
}

StatusOr<std::unique_ptr<EncryptedReader>> EncryptedReader::Open(const std::string& path) {
  EnsureSodium();
  std::unique_ptr<EncryptedReader> r(new EncryptedReader());
  r->file_ = std::fopen(path.c_str(), "rbe");
  if (r->file_ == nullptr) return Unavailable("cannot open " + path + ": " + std::strerror(errno));
  std::array<uint8_t, 12> start{};
  ASSIGN_OR_RETURN(bool got, ReadExact(r->file_, start.data(), start.size()));
  if (!got || std::memcmp(start.data(), kMagic.data(), kMagic.size()) != 0) {
    return InvalidArgument(path + " is not a Tamkine backup");
  }
  uint32_t header_len = GetBe32(start.data() + 8);
  if (header_len > kMaxHeader) return InvalidArgument(path + " has an implausible header");
  std::string header_text(header_len, '\0');
  ASSIGN_OR_RETURN(got,
                   ReadExact(r->file_, reinterpret_cast<uint8_t*>(header_text.data()), header_len));
  if (!got && header_len > 0) return FailedPrecondition("backup is truncated");
  auto header = ParseJson(header_text);
  if (!header.ok() || !header->is_object()) {
    return InvalidArgument(path + " has a malformed header");
  }
  r->header_ = std::move(*header);
  r->prefix_.assign(reinterpret_cast<const char*>(start.data()), start.size());
  r->prefix_ += header_text;
  const std::span<uint8_t> parts[] = {r->wrap_nonce_, r->wrapped_key_, r->stream_header_};
  for (const auto& part : parts) {
    ASSIGN_OR_RETURN(got, ReadExact(r->file_, part.data(), part.size()));
    if (!got) return FailedPrecondition("backup is truncated");
  }
  return r;
}

EncryptedReader::~EncryptedReader() {
  if (file_ != nullptr) std::fclose(file_);
  if (!state_.empty()) sodium_memzero(state_.data(), state_.size());
}

Status EncryptedReader::Unlock(const crypto::Key256& kek) {
  std::array<uint8_t, 32> wrap_key = WrapKey(kek);
  std::array<uint8_t, 32> stream_key{};
  unsigned long long len = 0;
  int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
      stream_key.data(), &len, nullptr, wrapped_key_.data(), wrapped_key_.size(),
      reinterpret_cast<const uint8_t*>(prefix_.data()), prefix_.size(), wrap_nonce_.data(),
      wrap_key.data());
  sodium_memzero(wrap_key.data(), wrap_key.size());
  if (rc != 0 || len != stream_key.size()) {
    return FailedPrecondition(
        "the backup does not open with this key-encryption key (another KEK, or the file's "
        "header was altered)");
  }
  state_.resize(sizeof(crypto_secretstream_xchacha20poly1305_state));
  rc = crypto_secretstream_xchacha20poly1305_init_pull(
      reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(state_.data()),
      stream_header_.data(), stream_key.data());
  sodium_memzero(stream_key.data(), stream_key.size());
  if (rc != 0) return FailedPrecondition("backup stream header is corrupted");
  unlocked_ = true;
  return Status::Ok();
}

StatusOr<std::string> EncryptedReader::Next() {
  if (!unlocked_) return FailedPrecondition("backup not unlocked");
  if (done_) return std::string();
  std::array<uint8_t, 4> len_bytes{};
  ASSIGN_OR_RETURN(bool got, ReadExact(file_, len_bytes.data(), len_bytes.size()));
  if (!got) return FailedPrecondition("backup is truncated (no final frame)");
  uint32_t len = GetBe32(len_bytes.data());
  if (len < crypto_secretstream_xchacha20poly1305_ABYTES || len > kMaxFrame) {
    return FailedPrecondition("backup frame has an impossible length (corrupted)");
  }
  std::vector<uint8_t> frame(len);
  ASSIGN_OR_RETURN(got, ReadExact(file_, frame.data(), frame.size()));
  if (!got) return FailedPrecondition("backup is truncated");
  std::string out(len - crypto_secretstream_xchacha20poly1305_ABYTES, '\0');
  unsigned long long out_len = 0;
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(
          reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(state_.data()),
          reinterpret_cast<uint8_t*>(out.data()), &out_len, &tag, frame.data(), frame.size(),
          nullptr, 0) != 0) {
    return FailedPrecondition("backup data does not authenticate (corrupted or altered)");
  }
  out.resize(static_cast<size_t>(out_len));
  if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
    uint8_t extra = 0;
    ASSIGN_OR_RETURN(got, ReadExact(file_, &extra, 1));
    if (got) return FailedPrecondition("backup has data after its final frame");
    done_ = true;
  } else if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
    return FailedPrecondition("backup frame has an unexpected tag");
  }
  return out;
}

}  // namespace tamkine::backup
