#include "http/static_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace tamkine::http {
namespace {

namespace fs = std::filesystem;

void WriteFile(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("tamkine_static_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    root_ = base_ / "dist";
    WriteFile(root_ / "index.html", "<html>app</html>");
    WriteFile(root_ / "assets" / "app-1a2b3c.js", "console.log(1)");
    WriteFile(root_ / "assets" / "app-1a2b3c.js.gz", "GZIPPED");
    WriteFile(root_ / "assets" / "style.css", "body{}");
    WriteFile(root_ / "favicon.ico", "ICO");
    WriteFile(root_ / "manifest.webmanifest", "{}");
    WriteFile(root_ / ".env", "SECRET=1");
    WriteFile(base_ / "secret.txt", "outside");
    fs::create_symlink(base_ / "secret.txt", root_ / "escape.txt");
    fs::create_directory_symlink(base_, root_ / "up");
    WriteFile(root_ / "real.txt", "inside");
    fs::create_symlink(root_ / "real.txt", root_ / "alias.txt");
  }
  void TearDown() override { fs::remove_all(base_); }

  std::optional<Response> Get(const std::string& path, const std::string& method = "GET",
                              const std::string& accept_encoding = "") {
    Request req;
    req.method = method;
    req.path = path;
    if (!accept_encoding.empty()) req.headers.emplace_back("accept-encoding", accept_encoding);
    return ServeStatic(root_.string(), req);
  }

  fs::path base_;
  fs::path root_;
};

TEST_F(StaticFilesTest, ServesIndexWithNoCache) {
  auto r = Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "<html>app</html>");
  EXPECT_EQ(r->GetHeader("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r->GetHeader("Cache-Control"), "no-cache");
}

TEST_F(StaticFilesTest, HashedAssetsAreImmutableAndGzipWhenAccepted) {
  auto r = Get("/assets/app-1a2b3c.js");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "console.log(1)");
  EXPECT_EQ(r->GetHeader("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(r->GetHeader("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(r->GetHeader("Content-Encoding"), std::nullopt);
  EXPECT_EQ(r->GetHeader("Vary"), "Accept-Encoding");

  r = Get("/assets/app-1a2b3c.js", "GET", "br, gzip;q=0.8");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GZIPPED");
  EXPECT_EQ(r->GetHeader("Content-Encoding"), "gzip");
  EXPECT_EQ(r->GetHeader("Content-Type"), "text/javascript; charset=utf-8");

  r = Get("/assets/app-1a2b3c.js", "GET", "gzip;q=0");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "console.log(1)");

  // No .gz sibling: plain file even when gzip is accepted.
  r = Get("/assets/style.css", "HEAD", "gzip");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "body{}");
  EXPECT_EQ(r->GetHeader("Content-Encoding"), std::nullopt);
  EXPECT_EQ(r->GetHeader("Content-Type"), "text/css; charset=utf-8");
}

TEST_F(StaticFilesTest, ContentTypes) {
  EXPECT_EQ(ContentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("a.png"), "image/png");
  EXPECT_EQ(ContentTypeFor("a.json"), "application/json");
  EXPECT_EQ(ContentTypeFor("f.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("favicon.ico"), "image/x-icon");
  EXPECT_EQ(ContentTypeFor("m.webmanifest"), "application/manifest+json");
  EXPECT_EQ(ContentTypeFor("robots.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("noext"), "application/octet-stream");
  EXPECT_EQ(Get("/manifest.webmanifest")->GetHeader("Content-Type"), "application/manifest+json");
}

TEST_F(StaticFilesTest, SpaFallbackOnlyWithoutExtension) {
  auto r = Get("/cases/01abc/edit");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "<html>app</html>");
  EXPECT_EQ(r->GetHeader("Cache-Control"), "no-cache");

  r = Get("/assets/missing-123.js");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("not_found"), std::string::npos);
}

TEST_F(StaticFilesTest, NotMine) {
  EXPECT_FALSE(Get("/api/v1/units"));
  EXPECT_FALSE(Get("/api"));
  EXPECT_FALSE(Get("/", "POST"));
  Request req;
  req.method = "GET";
  req.path = "/";
  EXPECT_FALSE(ServeStatic("", req));
  // "/apix" is not the API.
  auto r = Get("/apix");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "<html>app</html>");
}

TEST_F(StaticFilesTest, TraversalAttemptsAreRefused) {
  for (const char* path : {"/../secret.txt", "/assets/../../secret.txt", "/..", "/.",
                           "/./index.html", "/.env", "/assets/..%2f..%2fsecret.txt",
                           "/..\\secret.txt", "//etc/passwd", "/escape.txt", "/up/secret.txt"}) {
    SCOPED_TRACE(path);
    auto r = Get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
    EXPECT_EQ(r->body.find("outside"), std::string::npos);
    EXPECT_EQ(r->body.find("SECRET"), std::string::npos);
  }
  std::string with_nul("/index.html\0x", 13);
  auto r = Get(with_nul);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

TEST_F(StaticFilesTest, SymlinkInsideRootIsServed) {
  auto r = Get("/alias.txt");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "inside");
}

TEST_F(StaticFilesTest, DirectoryWithoutExtensionFallsBack) {
  auto r = Get("/assets");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "<html>app</html>");
}

}  // namespace
}  // namespace tamkine::http
