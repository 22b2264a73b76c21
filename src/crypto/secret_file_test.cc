#include "crypto/secret_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "crypto/test_temp_dir.h"

namespace tamkine::crypto {
namespace {

TEST(SecretFileTest, WriteCreatesMode0600AndReadsBack) {
  TestTempDir dir;
  std::string path = dir.File("secret");
  mode_t old_umask = ::umask(0);  // even a permissive umask must not widen the mode
  Status st = WriteNewSecretFile(path, "s3cret\n", "test secret");
  ::umask(old_umask);
  ASSERT_TRUE(st.ok()) << st.ToString();
  struct stat sb {};
  ASSERT_EQ(::stat(path.c_str(), &sb), 0);
  EXPECT_EQ(sb.st_mode & 07777, 0600u);
  auto content = ReadSecretFile(path, "test secret");
  ASSERT_TRUE(content.ok()) << content.status().ToString();
  EXPECT_EQ(*content, "s3cret\n");
}

TEST(SecretFileTest, WriteRefusesToOverwrite) {
  TestTempDir dir;
  std::string path = dir.Write("existing", "old", 0600);
  Status st = WriteNewSecretFile(path, "new", "test secret");
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(st.message().find(path), std::string::npos);
  EXPECT_EQ(*ReadSecretFile(path, "test secret"), "old");

  // Nor does it follow a link planted at the path, even a dangling one.
  std::string link = dir.File("link");
  ASSERT_EQ(::symlink(dir.File("target").c_str(), link.c_str()), 0);
  EXPECT_EQ(WriteNewSecretFile(link, "new", "test secret").code(), StatusCode::kAlreadyExists);
  EXPECT_NE(::access(dir.File("target").c_str(), F_OK), 0);
}

TEST(SecretFileTest, WriteIntoMissingDirectoryIsUnavailable) {
  TestTempDir dir;
  EXPECT_EQ(WriteNewSecretFile(dir.File("no/such/dir"), "x", "test secret").code(),
            StatusCode::kUnavailable);
}

TEST(SecretFileTest, ReadRefusesFilesOthersCanAccess) {
  TestTempDir dir;
  for (mode_t mode : {0644, 0640, 0604, 0620, 0602, 0610, 0601}) {
    std::string path = dir.Write("f" + std::to_string(mode), "s3cret", mode);
    auto r = ReadSecretFile(path, "test secret");
    ASSERT_FALSE(r.ok()) << std::oct << mode;
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(r.status().message().find("chmod 600 " + path), std::string::npos);
    EXPECT_EQ(r.status().message().find("s3cret"), std::string::npos);
  }
  EXPECT_TRUE(ReadSecretFile(dir.Write("owner-only", "s3cret", 0400), "test secret").ok());
}

TEST(SecretFileTest, ReadRefusesOddFiles) {
  TestTempDir dir;
  EXPECT_EQ(ReadSecretFile(dir.File("missing"), "test secret").status().code(),
            StatusCode::kUnavailable);
  std::string sub = dir.File("sub");
  ASSERT_EQ(::mkdir(sub.c_str(), 0700), 0);
  EXPECT_EQ(ReadSecretFile(sub, "test secret").status().code(), StatusCode::kFailedPrecondition);
  std::string big = dir.Write("big", std::string(5000, 'x'), 0600);
  EXPECT_EQ(ReadSecretFile(big, "test secret").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(ReadSecretFile(big, "test secret", 5000).ok());
  EXPECT_TRUE(ReadSecretFile(dir.Write("empty", "", 0600), "test secret")->empty());
}

}  // namespace
}  // namespace tamkine::crypto
