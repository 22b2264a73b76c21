// What leaves the platform: a Message (fixed, neutral text from a template, in one language) and
// the Channel interface a transport implements (SMTP e-mail and an SMS gateway over HTTP live in
// src/http/outbound_*.cc, behind this interface). Templates are the only source of text: no
// caller can put case content, names or reference codes into a message.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tamkine::notify {

enum class ChannelKind { kEmail, kSms };
std::string_view ChannelName(ChannelKind c);  // "email" | "sms"
std::optional<ChannelKind> ParseChannel(std::string_view s);

struct Message {
  std::string id;  // the outbox row (e-mail Message-ID, gateway reference)
  ChannelKind channel = ChannelKind::kEmail;
  std::string to;       // an e-mail address or an E.164 phone number
  std::string subject;  // e-mail only
  std::string text;
};

// A transport. Send is called from the delivery worker's thread, one message at a time; it may
// block (bounded by the channel's own timeouts). Ok means the transport accepted the message.
// Error messages must never quote the address or the text (they are stored and shown to
// administrators): Unavailable for "try again later" (connection refused, timeout, 4xx SMTP
// reply, 5xx HTTP), InvalidArgument or FailedPrecondition for a permanent refusal.
class Channel {
 public:
  virtual ~Channel() = default;
  virtual Status Send(const Message& m) = 0;
};

// Languages messages exist in.
inline constexpr std::string_view kLanguages[] = {"ar", "fr", "en", "zgh"};
bool IsLanguage(std::string_view s);

// Who a template is for: staff templates may say "Tamkine"; survivor templates are neutral (no
// mention of the platform, violence, police or courts: her phone may be read by him).
enum class Audience { kStaff, kSurvivor };

struct Template {
  std::string_view code;
  Audience audience;
};
// Every template, in a stable order.
const std::vector<Template>& Templates();
const Template* FindTemplate(std::string_view code);

// The text of a template in a language (falls back to Arabic for a language it lacks; every
// template has ar, fr and en). NotFound for an unknown template.
StatusOr<std::string> RenderText(std::string_view code, std::string_view language);
// The e-mail subject for a template ("Tamkine" for staff; neutral for survivors).
std::string RenderSubject(std::string_view code, std::string_view language);

// The survivor's language for a message, from her case languages (darija, arabic, tachelhit,
// tamazight, tarifit, hassaniya, french, other): Amazigh languages → zgh, French → fr, else ar.
std::string SurvivorLanguage(const std::vector<std::string>& case_languages);

// A masked form of an address for administrators: "f•••@e•••.ma", "+2126•••••78".
std::string MaskAddress(ChannelKind c, std::string_view address);

}  // namespace tamkine::notify
