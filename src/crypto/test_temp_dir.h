// Test-only helper for crypto/ tests: a fresh private directory under the GoogleTest temporary
// directory, removed with everything in it when the object goes out of scope.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace tamkine::crypto {

class TestTempDir {
 public:
  TestTempDir() {
    std::string pattern = ::testing::TempDir() + "tamkine-crypto-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << pattern;
    path_ = pattern;
  }
  ~TestTempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TestTempDir(const TestTempDir&) = delete;
  TestTempDir& operator=(const TestTempDir&) = delete;

  // The path of `name` inside the directory.
  std::string File(const std::string& name) const { return path_ + "/" + name; }

  // Writes `content` to the file `name` with permission bits `mode`; returns its path.
  std::string Write(const std::string& name, const std::string& content, mode_t mode) const {
    std::string path = File(name);
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << content;
    }
    if (::chmod(path.c_str(), mode) != 0) ADD_FAILURE() << "chmod failed for " << path;
    return path;
  }

 private:
  std::string path_;
};

}  // namespace tamkine::crypto
