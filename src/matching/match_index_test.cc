#include "matching/match_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <thread>

#include "matching/test_records.h"

namespace tamkine::matching {
namespace {

using ::tamkine::matching::testing::Person;

std::vector<std::string> Ids(const std::vector<Candidate>& v) {
  std::vector<std::string> ids;
  for (const auto& c : v) ids.push_back(c.id);
  return ids;
}

class MatchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The woman of the issue, her sister, mother and daughter, and a namesake in another town.
    Add(Person("unit-1", "فاطمة الزهراء", "العلوي", "1988-03-14", "06 12 34 56 78", "",
               "الدار البيضاء"));
    Add(Person("sister", "Khadija", "El Alaoui", "1992-07-01", "0612345678", "", "Casablanca"));
    Add(Person("mother", "Fatima", "Alaoui", "1961-01-20", "06 12 34 56 78", "BE 99887",
               "Casablanca"));
    Add(Person("daughter", "Salma", "العلوي", "2010", "+212612345678", "", "الدار البيضاء"));
    Add(Person("namesake", "Fatima Zahra", "Alaoui", "1995-11-02", "0661000000", "", "Oujda"));
  }
  void Add(const PersonRecord& r) { ASSERT_TRUE(index_.Upsert(r).ok()); }

  MatchIndex index_;
};

TEST_F(MatchIndexTest, FindsTheSameWomanAcrossScriptsAndNotHerRelatives) {
  PersonRecord ngo =
      Person("ngo-7", "Fatim-Zahra", "El Alaoui", "1988", "+212612345678", "", "Casablanca");
  auto found = index_.Query(ngo, 10);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(Ids(*found), std::vector<std::string>{"unit-1"});
  EXPECT_EQ((*found)[0].decision, Decision::kProbable);
  EXPECT_EQ((*found)[0].evidence.at(Field::kPhone).level, Level::kExact);

  PersonRecord online;
  online.id = "online-3";
  online.full_name = "FATIMA ZAHRA ALAOUI";
  online.phones = {"0612345678"};
  online.date_of_birth = "1988-03-14";
  found = index_.Query(online, 10);
  ASSERT_TRUE(found.ok());
  ASSERT_FALSE(found->empty());
  EXPECT_EQ((*found)[0].id, "unit-1");
  for (const auto& c : *found) EXPECT_NE(c.id, "sister");
}

TEST_F(MatchIndexTest, NeverReturnsItself) {
  auto found = index_.Query(Person("unit-1", "Fatima Zahra", "Alaoui", "1988-03-14"), 10);
  ASSERT_TRUE(found.ok());
  for (const auto& c : *found) EXPECT_NE(c.id, "unit-1");
}

TEST_F(MatchIndexTest, InvalidRecordIsRejected) {
  auto r = index_.Query(Person("q", "Fatima", "Alaoui", "14/03/1988"), 10);
  EXPECT_EQ(r.status().field(), "date_of_birth");
  EXPECT_FALSE(index_.Upsert(Person("", "Fatima", "Alaoui")).ok());
  EXPECT_EQ(index_.size(), 5u);
}

TEST_F(MatchIndexTest, DifferentPersonIsRememberedAndNeverProposedAgain) {
  PersonRecord ngo = Person("ngo-7", "Fatim-Zahra", "El Alaoui", "1988", "+212612345678");
  ASSERT_EQ(Ids(*index_.Query(ngo, 10)), std::vector<std::string>{"unit-1"});
  index_.MarkDifferent("unit-1", "ngo-7");
  EXPECT_TRUE(index_.AreMarkedDifferent("ngo-7", "unit-1"));
  EXPECT_TRUE(index_.Query(ngo, 10)->empty());
  // Still excluded after the new record is saved and edited.
  Add(ngo);
  ngo.cin = "AB123456";
  Add(ngo);
  EXPECT_TRUE(index_.Query(ngo, 10)->empty());
  EXPECT_TRUE(index_.UnmarkDifferent("ngo-7", "unit-1"));
  EXPECT_EQ(Ids(*index_.Query(ngo, 10)), std::vector<std::string>{"unit-1"});
  EXPECT_FALSE(index_.UnmarkDifferent("ngo-7", "unit-1"));
}

TEST_F(MatchIndexTest, EditsMoveThePersonBetweenKeys) {
  // Edited to another person's data, then back.
  Add(Person("namesake", "Houda", "Tazi", "1970-01-01", "0700000000", "", "Fès"));
  auto found = index_.Query(Person("q", "Houda", "التازي", "1970-01-01"), 10);
  EXPECT_EQ(Ids(*found), std::vector<std::string>{"namesake"});
  found = index_.Query(Person("q", "Fatima Zahra", "Alaoui", "1995-11-02", "0661000000"), 10);
  for (const auto& c : *found) EXPECT_NE(c.id, "namesake");
  EXPECT_TRUE(index_.CheckConsistency().ok());
  EXPECT_EQ(index_.size(), 5u);
}

TEST_F(MatchIndexTest, RemoveAndMerge) {
  EXPECT_TRUE(index_.Remove("daughter"));
  EXPECT_FALSE(index_.Remove("daughter"));
  EXPECT_EQ(index_.size(), 4u);
  EXPECT_TRUE(index_.CheckConsistency().ok()) << index_.CheckConsistency().ToString();

  Add(Person("ngo-7", "Fatim-Zahra", "El Alaoui", "1988", "+212612345678"));
  index_.MarkDifferent("ngo-7", "namesake");
  PersonRecord merged = Person("unit-1", "فاطمة الزهراء", "العلوي", "1988-03-14", "0612345678",
                               "BE123456", "Casablanca");
  EXPECT_EQ(index_.Merge("unit-1", "nobody", merged).code(), StatusCode::kNotFound);
  EXPECT_EQ(index_.Merge("unit-1", "unit-1", merged).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(index_.Merge("unit-1", "ngo-7", merged).ok());
  EXPECT_EQ(index_.size(), 4u);
  // The absorbed record's "different person" mark now holds for the survivor.
  EXPECT_TRUE(index_.AreMarkedDifferent("unit-1", "namesake"));
  EXPECT_FALSE(index_.AreMarkedDifferent("ngo-7", "namesake"));
  auto found =
      index_.Query(Person("q", "Fatima Zahra", "Alaoui", "1988-03-14", "", "BE 123456"), 10);
  ASSERT_FALSE(found->empty());
  EXPECT_EQ((*found)[0].id, "unit-1");
  EXPECT_EQ((*found)[0].evidence.at(Field::kCin).level, Level::kExact);
  for (const auto& c : *found) EXPECT_NE(c.id, "ngo-7");
  EXPECT_TRUE(index_.CheckConsistency().ok()) << index_.CheckConsistency().ToString();
}

TEST_F(MatchIndexTest, AllPairsReportsEachPairOnceInInputOrder) {
  Add(Person("ngo-7", "Fatim-Zahra", "El Alaoui", "1988", "+212612345678"));
  Add(Person("court-2", "FATIMA ZAHRA", "ALAOUI", "1988-03-14", "0612345678"));
  std::vector<std::pair<std::string, std::string>> pairs;
  index_.AllPairs(Decision::kProbable, 2, nullptr,
                  [&](const std::string& a, const std::string& b, const Comparison& c, Decision d) {
                    EXPECT_EQ(d, Decision::kProbable);
                    pairs.emplace_back(a, b);
                  });
  std::vector<std::pair<std::string, std::string>> want = {
      {"unit-1", "ngo-7"}, {"unit-1", "court-2"}, {"ngo-7", "court-2"}};
  EXPECT_EQ(pairs, want);
}

// Random inserts, edits, removals and merges; after each batch the index equals a fresh one
// built from the surviving records, and its internal structures agree.
TEST(MatchIndexConsistency, RandomOperations) {
  const char* given[] = {"Fatima", "فاطمة", "Khadija", "Amina", "Naima", "نعيمة", "Salma"};
  const char* family[] = {"Alaoui", "العلوي", "Tazi", "Bennani", "Ait Ali", "El Idrissi"};
  const char* dobs[] = {"", "1980", "1980-02-03", "1990-02-03", "1990-03-02"};
  const char* phones[] = {"", "0612345678", "+212612345679", "0522000000"};
  std::mt19937 rng(42);
  auto pick = [&](auto& arr) { return arr[rng() % std::size(arr)]; };
  MatchIndex index;
  std::map<std::string, PersonRecord> live;
  for (int round = 0; round < 20; ++round) {
    for (int op = 0; op < 30; ++op) {
      std::string id = "p" + std::to_string(rng() % 40);
      int kind = static_cast<int>(rng() % 10);
      if (kind < 6) {
        PersonRecord r = Person(id, pick(given), pick(family), pick(dobs), pick(phones),
                                rng() % 3 == 0 ? "AB" + std::to_string(rng() % 5) + "000" : "");
        ASSERT_TRUE(index.Upsert(r).ok());
        live[id] = r;
      } else if (kind < 8) {
        EXPECT_EQ(index.Remove(id), live.erase(id) == 1);
      } else if (live.size() >= 2) {
        auto a = live.begin();
        auto b = std::next(a, static_cast<long>(1 + rng() % (live.size() - 1)));
        PersonRecord merged = b->second;
        merged.id = a->first;
        if (rng() % 2 == 0) index.MarkDifferent(b->first, "outsider");
        ASSERT_TRUE(index.Merge(a->first, b->first, merged).ok());
        a->second = merged;
        live.erase(b);
      }
    }
    ASSERT_TRUE(index.CheckConsistency().ok()) << index.CheckConsistency().ToString();
    ASSERT_EQ(index.size(), live.size());
    MatchIndex fresh;
    for (const auto& [id, r] : live) ASSERT_TRUE(fresh.Upsert(r).ok());
    for (const auto& [id, r] : live) {
      auto x = index.Query(r, 100);
      auto y = fresh.Query(r, 100);
      ASSERT_TRUE(x.ok() && y.ok());
      std::vector<std::string> xi = Ids(*x), yi = Ids(*y);
      std::sort(xi.begin(), xi.end());
      std::sort(yi.begin(), yi.end());
      EXPECT_EQ(xi, yi) << "query for " << id << " in round " << round;
    }
  }
}

TEST(MatchIndexConcurrency, QueriesRunWhileAWriterWrites) {
  MatchIndex index;
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(index
                    .Upsert(Person("p" + std::to_string(i), i % 2 ? "Fatima" : "Amina",
                                   "Alaoui" + std::string(static_cast<size_t>(i % 7), 'a'),
                                   "19" + std::to_string(50 + i % 50)))
                    .ok());
  }
  std::atomic<bool> stop{false};
  std::atomic<int> queries{0};
  std::vector<std::jthread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        auto r = index.Query(Person("q", "Fatima", "Alaoui", "1960"), 20);
        EXPECT_TRUE(r.ok());
        queries.fetch_add(1);
      }
    });
  }
  for (int i = 0; i < 200; ++i) {
    std::string id = "w" + std::to_string(i % 50);
    if (i % 3 == 0) {
      index.Remove(id);
    } else {
      ASSERT_TRUE(index.Upsert(Person(id, "Fatima", "Alaoui", "1960", "0612345678")).ok());
    }
  }
  while (queries.load() < 50) std::this_thread::yield();
  stop = true;
  readers.clear();
  EXPECT_TRUE(index.CheckConsistency().ok());
}

}  // namespace
}  // namespace tamkine::matching
