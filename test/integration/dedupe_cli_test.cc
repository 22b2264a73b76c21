// `tamkine dedupe` as an operator runs it: the real binary on files, bad lines reported on
// standard error with their line numbers, pairs written as JSON lines.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/json.h"
#include "harness.h"

namespace tamkine::testing {
namespace {

namespace fs = std::filesystem;

class DedupeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tamkine-dedupe-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  std::string Read(const std::string& name) {
    std::ifstream in(dir_ / name, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Runs `tamkine dedupe ARGS`; returns the exit code, standard error in *err.
  int Dedupe(const std::string& args, std::string* err) {
    std::string cmd = "'" + TamkineBinary() + "' dedupe " + args + " 2>'" +
                      (dir_ / "stderr").string() + "' >/dev/null";
    int rc = std::system(cmd.c_str());
    *err = Read("stderr");
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }
  std::string Path(const std::string& name) { return "'" + (dir_ / name).string() + "'"; }

  fs::path dir_;
};

TEST_F(DedupeCliTest, PairsOutBadLinesReportedWithLineNumbers) {
  Write(
      "persons.jsonl",
      R"({"id":"unit-1","given_name":"فاطمة الزهراء","family_name":"العلوي","date_of_birth":"1988-03-14","phone":"06 12 34 56 78"}
{"id":"ngo-7","given_name":"Fatim-Zahra","family_name":"El Alaoui","date_of_birth":"1988","phone":"+212612345678"}
{"id":"online-3","given_name":"FATIMA ZAHRA" "family_name":"ALAOUI"}
{"id":"court-2","full_name":"FATIMA ZAHRA ALAOUI","phone":"0612345678","date_of_birth":"14/03/1988"}
{"id":"court-3","full_name":"FATIMA ZAHRA ALAOUI","phone":"0612345678","date_of_birth":"1988-03-14"}
{"id":"sister","given_name":"Khadija","family_name":"El Alaoui","date_of_birth":"1992-07-01","phone":"0612345678"}
)");
  std::string err;
  ASSERT_EQ(Dedupe("--input " + Path("persons.jsonl") + " --output " + Path("pairs.jsonl") +
                       " --no-progress",
                   &err),
            0)
      << err;
  EXPECT_NE(err.find("persons.jsonl:3: error: not valid JSON"), std::string::npos) << err;
  EXPECT_NE(err.find("persons.jsonl:4: error: date_of_birth must be YYYY-MM-DD"), std::string::npos)
      << err;
  EXPECT_NE(err.find("2 lines skipped"), std::string::npos) << err;

  std::vector<std::pair<std::string, std::string>> pairs;
  std::istringstream out(Read("pairs.jsonl"));
  std::string line;
  while (std::getline(out, line)) {
    auto j = ParseJson(line);
    ASSERT_TRUE(j.ok()) << line;
    EXPECT_TRUE((*j)["score"].is_number());
    EXPECT_EQ((*j)["decision"], "probable");
    EXPECT_TRUE((*j)["evidence"].is_object());
    pairs.emplace_back((*j)["a"], (*j)["b"]);
  }
  std::vector<std::pair<std::string, std::string>> want = {
      {"unit-1", "ngo-7"}, {"unit-1", "court-3"}, {"ngo-7", "court-3"}};
  EXPECT_EQ(pairs, want);
}

TEST_F(DedupeCliTest, MissingInputAndBadOptions) {
  std::string err;
  EXPECT_EQ(Dedupe("--input " + Path("none.jsonl") + " --output " + Path("p.jsonl"), &err), 1);
  EXPECT_NE(err.find("cannot read"), std::string::npos) << err;
  Write("one.jsonl", "{\"id\":\"a\"}\n");
  EXPECT_EQ(Dedupe("--input " + Path("one.jsonl") + " --output " + Path("p.jsonl") + " --threads 0",
                   &err),
            2);
  EXPECT_NE(Dedupe("--output " + Path("p.jsonl"), &err), 0);  // --input is required
}

}  // namespace
}  // namespace tamkine::testing
