#include "crypto/secret_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

namespace tamkine::crypto {

namespace {

std::string ErrnoText(int err) { return std::error_code(err, std::generic_category()).message(); }

std::string Describe(std::string_view what, const std::string& path) {
  return std::string(what) + " file " + path;
}

std::string OctalMode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Closes `fd` when it goes out of scope, unless released.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

std::string ParentDirectory(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

StatusOr<std::string> ReadSecretFile(const std::string& path, std::string_view what,
                                     size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Unavailable("cannot open " + Describe(what, path) + ": " + ErrnoText(errno));
  }
  FdCloser closer(fd);
  // Checking the opened descriptor, not the path, so the file cannot be swapped in between.
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return Unavailable("cannot inspect " + Describe(what, path) + ": " + ErrnoText(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return FailedPrecondition(Describe(what, path) + " is not a regular file");
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return FailedPrecondition(Describe(what, path) + " is accessible by group or others (mode " +
                              OctalMode(st.st_mode) + "); restrict it with: chmod 600 " + path);
  }
  if (st.st_size < 0 || static_cast<unsigned long long>(st.st_size) > max_bytes) {
    return InvalidArgument(Describe(what, path) + " is larger than " + std::to_string(max_bytes) +
                           " bytes; it is not a key file");
  }
  // Sized once up front so the buffer never reallocates and leaves stray copies of the secret.
  std::string buf(max_bytes + 1, '\0');
  size_t got = 0;
  while (got < buf.size()) {
    ssize_t n = ::read(fd, buf.data() + got, buf.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      sodium_memzero(buf.data(), buf.size());
      return Unavailable("cannot read " + Describe(what, path) + ": " + ErrnoText(err));
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got > max_bytes) {
    sodium_memzero(buf.data(), buf.size());
    return InvalidArgument(Describe(what, path) + " is larger than " + std::to_string(max_bytes) +
                           " bytes; it is not a key file");
  }
  buf.resize(got);
  return buf;
}

Status WriteNewSecretFile(const std::string& path, std::string_view content,
                          std::string_view what) {
  // O_EXCL refuses any existing entry, including a symbolic link planted at the path.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    int err = errno;
    if (err == EEXIST) {
      return AlreadyExists(Describe(what, path) + " already exists; refusing to overwrite it");
    }
    return Unavailable("cannot create " + Describe(what, path) + ": " + ErrnoText(err));
  }
  FdCloser closer(fd);
  auto fail = [&](std::string_view action, int err) {
    ::close(closer.Release());
    ::unlink(path.c_str());
    return Unavailable("cannot " + std::string(action) + " " + Describe(what, path) + ": " +
                       ErrnoText(err));
  };
  // The umask can only narrow 0600, but say exactly what the file must be.
  if (::fchmod(fd, 0600) != 0) return fail("set the mode of", errno);
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write", errno);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("flush", errno);
  if (::close(closer.Release()) != 0) {
    int err = errno;
    ::unlink(path.c_str());
    return Unavailable("cannot close " + Describe(what, path) + ": " + ErrnoText(err));
  }
  // Losing a freshly generated key in a crash could make everything sealed with it unreadable,
  // so make the directory entry durable too. Best effort: the file itself is already on disk.
  int dir = ::open(ParentDirectory(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    (void)::fsync(dir);
    ::close(dir);
  }
  return Status::Ok();
}

}  // namespace tamkine::crypto
