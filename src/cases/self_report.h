// Online self-report: a woman (or someone with her, such as an NGO worker without an account)
// reports from the public web page, without signing in. The report opens a case at the
// prosecution unit that receives online complaints for the province (DOMAIN.md: prosecution units
// receive complaints in person, online, by phone or fax), through the same validation and writes
// as any intake, and she gets the same receipt: her reference code and a follow-up code shown once.
//
// No user is signed in, so the intake is recorded as received by the platform account
// ("@online-self-report", created on first use, disabled, with no password: no one can sign in as
// it, and its username cannot be typed at sign-in). Reports from one address are limited per hour.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "cases/deps.h"
#include "cases/model.h"

namespace tamkine::cases {

struct SelfReportInput {
  SurvivorInput survivor;  // every field optional: she may stay anonymous
  IncidentInput incident;
  std::optional<std::string> province_code;  // where she wants help; default the incident's
  std::string filled_by = "self";            // self | ngo | someone_else
  std::optional<RiskInput> risk;             // the danger questions, if she answered them
};

struct SelfReportReceipt {
  std::string reference_code;
  std::string followup_code;  // shown once; only its digest is stored
  Micros issued_at = 0;
  UnitRef unit;  // the unit that received the report
  std::optional<std::string> unit_phone;
};

struct SelfReportOptions {
  int max_per_window = 5;          // reports from one address...
  Micros window = kMicrosPerHour;  // ...within this time
};

class SelfReportService {
 public:
  explicit SelfReportService(Deps deps, SelfReportOptions options = {})
      : deps_(std::move(deps)), options_(options) {}

  // InvalidArgument naming the field for bad input; FailedPrecondition when no unit receives
  // online reports in her province or region (she is told to call the hotline); ResourceExhausted
  // when the address sent too many reports.
  StatusOr<SelfReportReceipt> Submit(const SelfReportInput& in, const std::string& client_addr,
                                     const std::string& request_id);

  static constexpr char kPlatformUserId[] = "platform-online-self-report";
  static constexpr char kPlatformUsername[] = "@online-self-report";

 private:
  Deps deps_;
  SelfReportOptions options_;
};

}  // namespace tamkine::cases
