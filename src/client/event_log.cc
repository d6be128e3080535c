#include "event_log.h"

#include <nlohmann/json.hpp>

#include "json_fields.h"
#include "licet/core/atomic_file.h"

namespace licet::client {
namespace {
using nlohmann::json;

std::optional<EventLevel> ParseLevel(const std::string& s) {
  if (s == "information") return EventLevel::kInformation;
  if (s == "warning") return EventLevel::kWarning;
  if (s == "error") return EventLevel::kError;
  return std::nullopt;
}

std::optional<Event> ParseEventLine(std::string_view line) {
  const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  try {
    Event e;
    StatusOr<TimePoint> t = ParseIso8601(j.at("time").get<std::string>());
    const std::optional<EventLevel> level = ParseLevel(j.at("level").get<std::string>());
    if (!t.ok() || !level) return std::nullopt;
    e.time = *t;
    e.level = *level;
    e.id = JsonInteger<int>(j.at("id"), "id");
    e.message = j.at("message").get<std::string>();
    if (j.contains("code")) {
      const std::string code = j.at("code").get<std::string>();
      if (const ErrorInfo* info =
              FindError(static_cast<std::uint32_t>(std::stoul(code, nullptr, 16))))
        e.code = info->code;
    }
    if (j.contains("data")) e.data = j.at("data").get<std::map<std::string, std::string>>();
    return e;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::string_view EventLevelName(EventLevel level) {
  switch (level) {
    case EventLevel::kInformation:
      return "information";
    case EventLevel::kWarning:
      return "warning";
    case EventLevel::kError:
      return "error";
  }
  return "information";
}

std::string EventToJsonLine(const Event& e) {
  json j = {{"time", FormatIso8601(e.time)},
            {"id", e.id},
            {"level", EventLevelName(e.level)},
            {"message", e.message}};
  if (e.code) j["code"] = FormatCode(*e.code);
  if (!e.data.empty()) j["data"] = e.data;
  return j.dump();
}

Status AppendEvent(const std::filesystem::path& log, const Event& event) {
  return AppendLineDurably(log, EventToJsonLine(event));
}

StatusOr<std::vector<Event>> ReadEvents(const std::filesystem::path& log) {
  StatusOr<std::string> text = ReadWholeFile(log);
  if (!text.ok()) {
    if (text.status().code() == ErrorCode::kNotFound) return std::vector<Event>{};
    return text.status();
  }
  std::vector<Event> events;
  std::string_view rest = *text;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    if (std::optional<Event> e = ParseEventLine(line)) events.push_back(std::move(*e));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  return events;
}

}  // namespace licet::client
