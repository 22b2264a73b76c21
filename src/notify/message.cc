#include "notify/message.h"

#include <algorithm>
#include <map>
#include <utility>

namespace tamkine::notify {

std::string_view ChannelName(ChannelKind c) { return c == ChannelKind::kEmail ? "email" : "sms"; }

std::optional<ChannelKind> ParseChannel(std::string_view s) {
  if (s == "email") return ChannelKind::kEmail;
  if (s == "sms") return ChannelKind::kSms;
  return std::nullopt;
}

bool IsLanguage(std::string_view s) {
  return std::find(std::begin(kLanguages), std::end(kLanguages), s) != std::end(kLanguages);
}

namespace {

using Texts = std::map<std::string_view, std::string_view>;  // language → text

// The Amazigh (Tifinagh) texts follow the wording of web/src/i18n/zgh.json and should be
// reviewed by a native speaker before production, like the rest of that file.
const std::map<std::string_view, Texts>& TextTable() {
  static const std::map<std::string_view, Texts> kTexts = {
      {"new_urgent_item",
       {{"ar", "لديك عنصر عاجل جديد في تمكين."},
        {"fr", "Vous avez un nouvel élément urgent dans Tamkine."},
        {"en", "You have a new urgent item in Tamkine."},
        {"zgh", "ⵖⵓⵔⴽ ⴽⵔⴰ ⵉⵣⵔⴱⵏ ⴰⵎⴰⵢⵏⵓ ⴳ ⵜⴰⵎⴽⵉⵏ."}}},
      {"new_item",
       {{"ar", "لديك عنصر جديد في تمكين."},
        {"fr", "Vous avez un nouvel élément dans Tamkine."},
        {"en", "You have a new item in Tamkine."},
        {"zgh", "ⵖⵓⵔⴽ ⴽⵔⴰ ⴰⵎⴰⵢⵏⵓ ⴳ ⵜⴰⵎⴽⵉⵏ."}}},
      {"test",
       {{"ar", "هذه رسالة تجريبية من تمكين."},
        {"fr", "Ceci est un message de test de Tamkine."},
        {"en", "This is a test message from Tamkine."},
        {"zgh", "ⵜⴰⴷ ⵜⴰⵖⴰⵡⵙⵉⵡⵜ ⵏ ⵓⵔⵎⵎⵓⵙ ⵙⴳ ⵜⴰⵎⴽⵉⵏ."}}},
      {"appointment_confirmed",
       {{"ar", "تم تأكيد موعدك."},
        {"fr", "Votre rendez-vous est confirmé."},
        {"en", "Your appointment has been confirmed."},
        {"zgh", "ⴰⵎⵓⵄⴷ ⵏⵏⵎ ⵉⵜⵜⵓⵙⵙⴷⵖⵔ."}}},
      {"appointment_reminder",
       {{"ar", "تذكير: لديك موعد قريبا."},
        {"fr", "Rappel : vous avez bientôt un rendez-vous."},
        {"en", "Reminder: you have an appointment soon."}}},
      {"please_call_back",
       {{"ar", "يرجى معاودة الاتصال بنا عندما يكون ذلك مناسبا لك."},
        {"fr", "Merci de nous rappeler quand cela vous convient."},
        {"en", "Please call us back when it suits you."}}},
  };
  return kTexts;
}

}  // namespace

const std::vector<Template>& Templates() {
  static const std::vector<Template> kTemplates = {
      {"new_urgent_item", Audience::kStaff},
      {"new_item", Audience::kStaff},
      {"test", Audience::kStaff},
      {"appointment_confirmed", Audience::kSurvivor},
      {"appointment_reminder", Audience::kSurvivor},
      {"please_call_back", Audience::kSurvivor},
  };
  return kTemplates;
}

const Template* FindTemplate(std::string_view code) {
  for (const auto& t : Templates()) {
    if (t.code == code) return &t;
  }
  return nullptr;
}

StatusOr<std::string> RenderText(std::string_view code, std::string_view language) {
  const auto& table = TextTable();
  auto t = table.find(code);
  if (t == table.end()) return NotFound("no such message template");
  auto l = t->second.find(language);
  if (l == t->second.end()) l = t->second.find("ar");
  return std::string(l->second);
}

std::string RenderSubject(std::string_view code, std::string_view language) {
  const Template* t = FindTemplate(code);
  if (t != nullptr && t->audience == Audience::kSurvivor) {
    if (language == "fr") return "Rendez-vous";
    if (language == "en") return "Appointment";
    return "موعد";
  }
  return language == "ar" ? "تمكين" : (language == "zgh" ? "ⵜⴰⵎⴽⵉⵏ" : "Tamkine");
}

std::string SurvivorLanguage(const std::vector<std::string>& case_languages) {
  for (const auto& l : case_languages) {
    if (l == "tachelhit" || l == "tamazight" || l == "tarifit") return "zgh";
    if (l == "darija" || l == "arabic" || l == "hassaniya") return "ar";
    if (l == "french") return "fr";
  }
  return "ar";
}

namespace {

// Keeps the first `keep` code points of s and the last `tail`, replacing the rest with dots.
std::string MaskPart(std::string_view s, size_t keep, size_t tail) {
  std::vector<std::string> cps;
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0xF0) {
      len = 4;
    } else if (c >= 0xE0) {
      len = 3;
    } else if (c >= 0xC0) {
      len = 2;
    }
    cps.emplace_back(s.substr(i, len));
    i += len;
  }
  if (cps.size() <= keep + tail) keep = std::min(keep, cps.size() > 1 ? size_t{1} : size_t{0});
  std::string out;
  for (size_t i = 0; i < cps.size(); ++i) {
    bool shown = i < keep || (tail > 0 && i + tail >= cps.size() && cps.size() > keep + tail);
    out += shown ? cps[i] : "\u2022";
  }
  return out;
}

}  // namespace

std::string MaskAddress(ChannelKind c, std::string_view address) {
  if (c == ChannelKind::kSms) return MaskPart(address, 5, 2);
  auto at = address.rfind('@');
  if (at == std::string_view::npos) return MaskPart(address, 1, 0);
  std::string_view local = address.substr(0, at);
  std::string_view domain = address.substr(at + 1);
  auto dot = domain.rfind('.');
  std::string masked_domain =
      dot == std::string_view::npos
          ? MaskPart(domain, 1, 0)
          : MaskPart(domain.substr(0, dot), 1, 0) + std::string(domain.substr(dot));
  return MaskPart(local, 1, 0) + "@" + masked_domain;
}

}  // namespace tamkine::notify
