// Estimates the scorer's weights from a labelled register (the generator's output with its truth
// file, or a hand-labelled sample of a real one): every candidate pair the index proposes is
// compared; m(level) is the share of true duplicate pairs at each agreement level of a field,
// u(level) the share of the other candidate pairs; weight = log2(m/u). u is estimated among the
// candidates, not among random pairs: the candidates are where the relatives are, and a phone
// shared by a mother and her daughter is exactly the agreement that must not count too much.
// Then it rescores the candidates with the new weights and prints the precision/recall curve
// and thresholds, and a C++ table to paste into scorer.cc.
//
//   matching_estimate --persons PERSONS.jsonl --truth TRUTH.tsv [--target-precision 0.985]
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "matching/batch.h"
#include "matching/match_index.h"

using tamkine::matching::Comparison;
using tamkine::matching::Decision;
using tamkine::matching::Field;
using tamkine::matching::FieldName;
using tamkine::matching::kFieldCount;
using tamkine::matching::kLevelCount;
using tamkine::matching::Level;
using tamkine::matching::LevelName;

namespace {

struct PairObs {
  std::array<uint8_t, kFieldCount> level;
  float tf_given, tf_family, tf_phone;  // raw frequency adjustments (scale 1)
  bool match;
};

struct Scales {
  float given = 1, family = 1, phone = 1;
};

// L2-regularised logistic regression by Newton's method on one-hot (field, level) indicators
// (missing is the reference level), the two name frequency adjustments and an intercept.
// Weights come out in bits (log2 odds); the scales multiply the frequency adjustments.
void FitJointly(const std::vector<PairObs>& obs, tamkine::matching::Weights* w, Scales* scales) {
  const size_t kOneHot = kFieldCount * kLevelCount;
  const size_t d = kOneHot + 4;  // + three frequency adjustments + intercept
  const size_t kTf = kOneHot, kIntercept = kOneHot + 3;
  std::vector<double> beta(d, 0.0);
  const double lambda = 1.0;
  std::vector<size_t> idx;
  std::vector<double> val;
  auto features = [&](const PairObs& o) {
    idx.clear();
    val.clear();
    for (size_t f = 0; f < kFieldCount; ++f) {
      if (o.level[f] == 0) continue;
      idx.push_back(f * kLevelCount + o.level[f]);
      val.push_back(1.0);
    }
    idx.push_back(kTf);
    val.push_back(o.tf_given);
    idx.push_back(kTf + 1);
    val.push_back(o.tf_family);
    idx.push_back(kTf + 2);
    val.push_back(o.tf_phone);
    idx.push_back(kIntercept);
    val.push_back(1.0);
  };
  for (int iter = 0; iter < 25; ++iter) {
    std::vector<double> grad(d, 0.0), hess(d * d, 0.0);
    for (const auto& o : obs) {
      features(o);
      double z = 0;
      for (size_t k = 0; k < idx.size(); ++k) z += beta[idx[k]] * val[k];
      double p = 1.0 / (1.0 + std::exp(-z));
      double y = o.match ? 1.0 : 0.0;
      double wgt = p * (1 - p);
      for (size_t a = 0; a < idx.size(); ++a) {
        grad[idx[a]] += (y - p) * val[a];
        for (size_t b = 0; b < idx.size(); ++b) hess[idx[a] * d + idx[b]] += wgt * val[a] * val[b];
      }
    }
    for (size_t k = 0; k < d; ++k) {
      if (k != kIntercept) grad[k] -= lambda * beta[k];
      hess[k * d + k] += lambda;
    }
    // Solve hess * delta = grad (Cholesky; hess is symmetric positive definite).
    std::vector<double> L(d * d, 0.0);
    for (size_t i = 0; i < d; ++i) {
      for (size_t j = 0; j <= i; ++j) {
        double sum = hess[i * d + j];
        for (size_t k = 0; k < j; ++k) sum -= L[i * d + k] * L[j * d + k];
        L[i * d + j] = i == j ? std::sqrt(std::max(sum, 1e-12)) : sum / L[j * d + j];
      }
    }
    std::vector<double> y(d), delta(d);
    for (size_t i = 0; i < d; ++i) {
      double sum = grad[i];
      for (size_t k = 0; k < i; ++k) sum -= L[i * d + k] * y[k];
      y[i] = sum / L[i * d + i];
    }
    for (size_t i = d; i-- > 0;) {
      double sum = y[i];
      for (size_t k = i + 1; k < d; ++k) sum -= L[k * d + i] * delta[k];
      delta[i] = sum / L[i * d + i];
    }
    double step = 0;
    for (size_t k = 0; k < d; ++k) {
      beta[k] += delta[k];
      step = std::max(step, std::abs(delta[k]));
    }
    if (step < 1e-6) break;
  }
  for (size_t f = 0; f < kFieldCount; ++f) {
    for (size_t l = 0; l < kLevelCount; ++l) {
      w->w[f][l] = l == 0 ? 0.0f : static_cast<float>(beta[f * kLevelCount + l] / std::log(2.0));
    }
  }
  // The frequency adjustments are already in bits.
  scales->given = static_cast<float>(beta[kTf]);
  scales->family = static_cast<float>(beta[kTf + 1]);
  scales->phone = static_cast<float>(beta[kTf + 2]);
  std::printf("intercept: %.2f bits\n", beta[kIntercept] / std::log(2.0));
}

int Usage() {
  std::fprintf(stderr,
               "usage: matching_estimate --persons PERSONS.jsonl --truth TRUTH.tsv "
               "[--target-precision P] [--review-precision P] [--mu-only 1] [--dump FILE]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string persons_path, truth_path;
  double target = 0.985, review = 0.2;
  bool mu_only = false;
  std::string dump_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--persons")) {
      persons_path = argv[i + 1];
    } else if (!std::strcmp(argv[i], "--truth")) {
      truth_path = argv[i + 1];
    } else if (!std::strcmp(argv[i], "--target-precision")) {
      target = std::atof(argv[i + 1]);
    } else if (!std::strcmp(argv[i], "--dump")) {
      dump_path = argv[i + 1];
    } else if (!std::strcmp(argv[i], "--mu-only")) {
      mu_only = std::strcmp(argv[i + 1], "0") != 0;
    } else if (!std::strcmp(argv[i], "--review-precision")) {
      review = std::atof(argv[i + 1]);
    } else {
      return Usage();
    }
  }
  if (persons_path.empty() || truth_path.empty()) return Usage();

  std::unordered_map<std::string, long> entity;
  std::unordered_map<long, long> entity_size;
  {
    std::ifstream t(truth_path);
    std::string line;
    std::getline(t, line);
    while (std::getline(t, line)) {
      auto tab = line.find('\t');
      auto tab2 = line.find('\t', tab + 1);
      long e = std::stol(line.substr(tab + 1, tab2 - tab - 1));
      entity[line.substr(0, tab)] = e;
    }
  }
  tamkine::matching::IndexOptions opts;
  opts.model.possible_threshold = -1e9;  // every candidate pair
  // The raw frequency adjustments, fitted below.
  opts.model.given_tf_scale = opts.model.family_tf_scale = opts.model.phone_tf_scale = 1;
  const tamkine::matching::ScoringModel base = opts.model;
  tamkine::matching::MatchIndex index(opts);
  {
    std::ifstream in(persons_path);
    std::string line;
    while (std::getline(in, line)) {
      auto r = tamkine::matching::ParsePersonLine(line);
      if (!r.ok()) continue;
      auto p = tamkine::matching::Normalize(*r);
      if (!p.ok()) continue;
      ++entity_size[entity.at(r->id)];
      index.Upsert(r->id, std::move(*p));
    }
  }
  long true_pairs = 0;
  for (const auto& [e, n] : entity_size) true_pairs += n * (n - 1) / 2;

  std::vector<PairObs> obs;
  index.AllPairs(Decision::kPossible, 2, nullptr,
                 [&](const std::string& a, const std::string& b, const Comparison& c, Decision) {
                   PairObs o;
                   for (size_t f = 0; f < kFieldCount; ++f) {
                     o.level[f] = static_cast<uint8_t>(c.fields[f].level);
                   }
                   auto tf = [&](Field f) {
                     const auto& e = c.at(f);
                     return e.weight - base.weights.at(f, e.level);
                   };
                   o.tf_given = tf(Field::kGivenName);
                   o.tf_family = tf(Field::kFamilyName);
                   o.tf_phone = tf(Field::kPhone);
                   o.match = entity.at(a) == entity.at(b);
                   obs.push_back(o);
                 });
  long found = 0;
  for (const auto& o : obs) found += o.match ? 1 : 0;
  if (!dump_path.empty()) {
    // One line per candidate pair: match flag, the six levels, the three raw adjustments.
    std::ofstream d(dump_path);
    for (const auto& o : obs) {
      d << (o.match ? 1 : 0);
      for (auto l : o.level) d << '\t' << int{l};
      d << '\t' << o.tf_given << '\t' << o.tf_family << '\t' << o.tf_phone << '\n';
    }
  }
  std::printf(
      "records: %zu, true pairs: %ld, candidate pairs: %zu (%.1f per record), true pairs "
      "among candidates: %ld (blocking recall %.4f)\n",
      index.size(), true_pairs, obs.size(), 2.0 * obs.size() / index.size(), found,
      true_pairs ? static_cast<double>(found) / true_pairs : 1.0);

  // m and u per field and level (add-half smoothing).
  std::array<std::array<double, kLevelCount>, kFieldCount> m{}, u{};
  double nm = 0, nu = 0;
  for (const auto& o : obs) {
    (o.match ? nm : nu) += 1;
    for (size_t f = 0; f < kFieldCount; ++f) (o.match ? m : u)[f][o.level[f]] += 1;
  }
  tamkine::matching::Weights w;
  std::printf("\n%-14s %-10s %10s %10s %8s\n", "field", "level", "m", "u", "weight");
  for (size_t f = 0; f < kFieldCount; ++f) {
    for (size_t l = 1; l < kLevelCount; ++l) {
      if (m[f][l] + u[f][l] == 0) continue;
      double mp = (m[f][l] + 0.5) / (nm + 1), up = (u[f][l] + 0.5) / (nu + 1);
      float weight = static_cast<float>(std::log2(mp / up));
      w.w[f][l] = weight;
      std::printf("%-14s %-10s %10.5f %10.5f %8.2f\n",
                  std::string(FieldName(static_cast<Field>(f))).c_str(),
                  std::string(LevelName(static_cast<Level>(l))).c_str(), mp, up, weight);
    }
  }

  // The m/u weights assume fields independent given the match status; relatives break that
  // (family name, phone and town agree together), so the shipped weights are refit jointly by
  // logistic regression on the same candidates: each weight is then what its field adds given the
  // others. Same additive form, same evidence per field; the m/u table above is kept for
  // reference.
  Scales scales;
  if (!mu_only) {
    FitJointly(obs, &w, &scales);
    std::printf("\njoint fit (bits):\n");
    for (size_t f = 0; f < kFieldCount; ++f) {
      for (size_t l = 1; l < kLevelCount; ++l) {
        if (m[f][l] + u[f][l] == 0) continue;
        std::printf("%-14s %-10s %8.2f\n", std::string(FieldName(static_cast<Field>(f))).c_str(),
                    std::string(LevelName(static_cast<Level>(l))).c_str(), w.w[f][l]);
      }
    }
    std::printf("frequency adjustment scales: given %.2f, family %.2f, phone %.2f\n", scales.given,
                scales.family, scales.phone);
  }

  // Rescore and sweep.
  std::vector<std::pair<float, bool>> scored;
  scored.reserve(obs.size());
  for (const auto& o : obs) {
    float s = scales.given * o.tf_given + scales.family * o.tf_family + scales.phone * o.tf_phone;
    for (size_t f = 0; f < kFieldCount; ++f) s += w.w[f][o.level[f]];
    scored.emplace_back(s, o.match);
  }
  std::sort(scored.begin(), scored.end(), [](auto& a, auto& b) { return a.first > b.first; });
  std::printf("\n%8s %10s %10s %10s\n", "score>=", "precision", "recall", "f1");
  long tp = 0, fp = 0;
  float probable = NAN;
  std::map<int, std::pair<long, long>> bins;  // floor(score) -> (tp, fp)
  for (size_t i = 0; i < scored.size(); ++i) {
    (scored[i].second ? tp : fp) += 1;
    auto& b = bins[static_cast<int>(std::floor(scored[i].first))];
    (scored[i].second ? b.first : b.second) += 1;
    bool last_of_score = i + 1 == scored.size() || scored[i + 1].first != scored[i].first;
    if (!last_of_score) continue;
    if (static_cast<double>(tp) / (tp + fp) >= target) probable = scored[i].first;
  }
  tp = fp = 0;
  for (auto it = bins.rbegin(); it != bins.rend(); ++it) {
    tp += it->second.first;
    fp += it->second.second;
    double p = static_cast<double>(tp) / (tp + fp), r = static_cast<double>(tp) / true_pairs;
    if (it->first >= -10 && it->first <= 40) {
      std::printf("%8d %10.4f %10.4f %10.4f   (bin: %ld true, %ld false)\n", it->first, p, r,
                  2 * p * r / (p + r), it->second.first, it->second.second);
    }
  }
  // Possible: the lowest bin, below probable, where at least `review` of the pairs are true.
  int possible = static_cast<int>(std::floor(probable));
  for (auto it = bins.rbegin(); it != bins.rend(); ++it) {
    if (it->first >= probable) continue;
    double local = static_cast<double>(it->second.first) / (it->second.first + it->second.second);
    if (local < review) break;
    possible = it->first;
  }
  std::printf("\nprobable threshold (cumulative precision >= %.3f): %.2f\n", target, probable);
  std::printf("possible threshold (bin precision >= %.2f): %d\n", review, possible);
  std::printf("\n// Estimated by bench/matching/estimate_weights.cc\n");
  std::printf(
      "    m.given_tf_scale = %.2ff;\n    m.family_tf_scale = %.2ff;\n"
      "    m.phone_tf_scale = %.2ff;\n",
      scales.given, scales.family, scales.phone);
  for (size_t f = 0; f < kFieldCount; ++f) {
    for (size_t l = 1; l < kLevelCount; ++l) {
      if (m[f][l] + u[f][l] == 0) continue;
      std::printf(
          "    w.at(F::k%s, L::k%s) = %.2ff;\n",
          [&] {
            static const char* n[] = {"GivenName", "FamilyName", "DateOfBirth",
                                      "Cin",       "Phone",      "City"};
            return n[f];
          }(),
          [&] {
            static const char* n[] = {"Missing", "Exact",    "Close",   "Partial",
                                      "Swapped", "YearOnly", "Disagree"};
            return n[l];
          }(),
          w.w[f][l]);
    }
  }
  return 0;
}
