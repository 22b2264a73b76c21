#include "matching/scorer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "matching/test_records.h"

namespace tamkine::matching {
namespace {

NormalizedPerson N(PersonRecord r) {
  if (r.id.empty()) r.id = "x";
  auto p = Normalize(r);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : NormalizedPerson();
}

PersonRecord Rec(std::string given, std::string family, std::string dob = {},
                 std::string phone = {}, std::string cin = {}, std::string city = {}) {
  return testing::Person("r", std::move(given), std::move(family), std::move(dob), std::move(phone),
                         std::move(cin), std::move(city));
}

TEST(PhoneticDistance, Costs) {
  EXPECT_EQ(PhoneticDistance("fatima", "fatima", false), 0);
  EXPECT_EQ(PhoneticDistance("fatima", "fatma", false), 5);    // one vowel
  EXPECT_EQ(PhoneticDistance("fatima", "fatma", true), 2);     // Arabic omits short vowels
  EXPECT_EQ(PhoneticDistance("fatima", "fatiha", false), 20);  // one consonant
  EXPECT_EQ(PhoneticDistance("nawal", "nual", false), 4 + 5);  // w~u, then a vowel
  EXPECT_EQ(PhoneticDistance("saida", "zaida", false), 10);    // similar consonants
  EXPECT_EQ(PhoneticDistance("abcdefgh", "", false, 30), 30);  // capped
  EXPECT_EQ(PhoneticDistance("bnsr", "bsnr", false), 12);      // transposition
}

TEST(CompareNameParts, Levels) {
  struct Row {
    const char* a;
    const char* b;
    Level level;
  };
  const Row rows[] = {
      {"Alaoui", "ALAOUI", Level::kExact},
      {"Fatima Zahra", "Fatima-Zahra", Level::kExact},
      {"Fatima Zahra", "فاطمة الزهراء", Level::kClose},
      {"Fatim-Zahra", "FATIMA ZAHRA", Level::kClose},
      {"El Alaoui", "العلوي", Level::kClose},
      {"Khadija", "Khadidja", Level::kExact},
      {"Abderrahmane", "عبد الرحمن", Level::kClose},
      {"Fatima", "Fatima Zahra", Level::kPartial},  // one part of the compound left out
      {"Benjelloun", "Benjeloun", Level::kExact},
      {"Benjelloun", "Benjalloun", Level::kClose},
      {"Benjelloun", "Benjemloun", Level::kPartial},  // a typing slip on a consonant
      {"Khadija", "Fatima", Level::kDisagree},
      {"Alaoui", "Tazi", Level::kDisagree},
      {"Naima", "Nadia", Level::kDisagree},
      {"", "Tazi", Level::kMissing},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(CompareNameParts(PhoneticName(r.a), PhoneticName(r.b)), r.level)
        << r.a << " / " << r.b << ": " << PhoneticName(r.a).phon << " / " << PhoneticName(r.b).phon;
  }
}

TEST(CompareDates, Levels) {
  auto d = [](const char* s) { return ParseBirthDate(s).value(); };
  struct Row {
    const char* a;
    const char* b;
    Level level;
  };
  const Row rows[] = {
      {"1990-04-12", "1990-04-12", Level::kExact},
      {"1990-04-12", "1990-12-04", Level::kSwapped},
      {"1990-04-12", "1990", Level::kYearOnly},
      {"1990", "1990", Level::kYearOnly},
      {"1990-04", "1990-04-12", Level::kYearOnly},
      {"1990-04-12", "1991-04-12", Level::kClose},
      {"1990-04-12", "1980-04-12", Level::kClose},  // one digit of the year
      {"1990-04-12", "1990-04-13", Level::kClose},
      {"1990-04-12", "1991", Level::kClose},
      {"1990-04-12", "1990-07-30", Level::kPartial},
      {"1990-04", "1990-05", Level::kPartial},
      {"1990-04-12", "1975-09-02", Level::kDisagree},
      {"1990", "1995", Level::kDisagree},
      {"1990-04-12", "", Level::kMissing},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(CompareDates(d(r.a), d(r.b)), r.level) << r.a << " / " << r.b;
  }
}

TEST(Compare, TheIssuesWomanIsOnePerson) {
  const ScoringModel& m = DefaultModel();
  NormalizedPerson unit =
      N(Rec("فاطمة الزهراء", "العلوي", "1988-03-14", "06 12 34 56 78", "", "الدار البيضاء"));
  NormalizedPerson ngo =
      N(Rec("Fatim-Zahra", "El Alaoui", "1988", "+212612345678", "BE 123456", "Casablanca"));
  PersonRecord online_r;
  online_r.id = "o";
  online_r.full_name = "FATIMA ZAHRA ALAOUI";
  online_r.phones = {"0612345678"};
  online_r.date_of_birth = "1988-03-14";
  NormalizedPerson online = N(online_r);
  for (const auto* x : {&unit, &ngo, &online}) {
    for (const auto* y : {&unit, &ngo, &online}) {
      if (x == y) continue;
      Comparison c = Compare(*x, *y, m, nullptr);
      EXPECT_GE(c.score, m.probable_threshold);
      EXPECT_NE(c.at(Field::kGivenName).level, Level::kDisagree);
      EXPECT_NE(c.at(Field::kFamilyName).level, Level::kDisagree);
      EXPECT_EQ(c.at(Field::kPhone).level, Level::kExact);
    }
  }
  // Evidence is symmetric.
  Comparison ab = Compare(unit, ngo, m, nullptr);
  Comparison ba = Compare(ngo, unit, m, nullptr);
  EXPECT_EQ(ab.score, ba.score);
  EXPECT_EQ(ab.at(Field::kDateOfBirth).level, Level::kYearOnly);
  EXPECT_EQ(ab.at(Field::kCity).level, Level::kExact);
  EXPECT_EQ(ab.at(Field::kCin).level, Level::kMissing);
  EXPECT_EQ(ab.at(Field::kCin).weight, 0);
}

TEST(Compare, RelativesSharingNamePhoneAndTownAreNotDuplicates) {
  const ScoringModel& m = DefaultModel();
  NormalizedPerson her =
      N(Rec("Fatima Zahra", "El Alaoui", "1988-03-14", "0612345678", "", "Casablanca"));
  NormalizedPerson sister =
      N(Rec("Khadija", "El Alaoui", "1992-07-01", "0612345678", "", "Casablanca"));
  NormalizedPerson mother =
      N(Rec("Fatima", "Alaoui", "1961-01-20", "06 12 34 56 78", "", "Casablanca"));
  NormalizedPerson daughter =
      N(Rec("Salma", "العلوي", "2010", "+212612345678", "", "الدار البيضاء"));
  for (const auto* r : {&sister, &mother, &daughter}) {
    Comparison c = Compare(her, *r, m, nullptr);
    EXPECT_LT(c.score, m.possible_threshold);
  }
}

TEST(Compare, SwappedNamesAreFound) {
  const ScoringModel& m = DefaultModel();
  Comparison c = Compare(N(Rec("Naima", "Bennani", "1979-05-02")),
                         N(Rec("Bennani", "Naima", "1979-05-02")), m, nullptr);
  EXPECT_TRUE(c.names_swapped);
  EXPECT_EQ(c.at(Field::kGivenName).level, Level::kExact);
  EXPECT_GE(c.score, m.probable_threshold);
}

TEST(Compare, FamilyNameFirstInAFullName) {
  const ScoringModel& m = DefaultModel();
  PersonRecord r;
  r.id = "a";
  r.full_name = "ALAOUI Fatima Zahra";
  r.date_of_birth = "1988-03-14";
  Comparison c = Compare(N(r), N(Rec("Fatima Zahra", "Alaoui", "1988-03-14")), m, nullptr);
  EXPECT_EQ(c.at(Field::kGivenName).level, Level::kExact);
  EXPECT_EQ(c.at(Field::kFamilyName).level, Level::kExact);
}

TEST(Compare, FrequencyAdjustment) {
  // A name carried by ten thousand records counts less than one carried by two.
  ScoringModel m = DefaultModel();
  NormalizedPerson a = N(Rec("Fatima", "Tazi"));
  NormalizedPerson b = a;
  a.names[0].given.freq_id = b.names[0].given.freq_id = 0;    // common
  a.names[0].family.freq_id = b.names[0].family.freq_id = 1;  // rare
  std::vector<uint32_t> counts = {10000, 2};
  Frequencies f;
  f.given_counts = counts.data();
  f.family_counts = counts.data();
  f.size = 2;
  Comparison c = Compare(a, b, m, &f);
  EXPECT_LT(c.at(Field::kGivenName).weight, m.weights.at(Field::kGivenName, Level::kExact));
  EXPECT_GT(c.at(Field::kFamilyName).weight, m.weights.at(Field::kFamilyName, Level::kExact));
  EXPECT_FLOAT_EQ(c.at(Field::kFamilyName).weight,
                  m.weights.at(Field::kFamilyName, Level::kExact) +
                      m.family_tf_scale * std::log2(m.tf_ref_count / 2));
}

}  // namespace
}  // namespace tamkine::matching
