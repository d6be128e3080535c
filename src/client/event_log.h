// The installation's event log: JSON lines in <root>/events.jsonl, appended durably, read by
// `licet events`. Event IDs follow the article and the reference where they exist (100, 8198, 8200,
// 12288-12293) and are Licet's own otherwise; all are listed in docs/events.md.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "licet/core/clock.h"
#include "licet/core/error_code.h"
#include "licet/core/status.h"

namespace licet::client {

namespace event_id {
inline constexpr int kEvaluationExpiredShutdown = 100;  // WLMS: "will shut down every hour"
inline constexpr int kInstalled = 1000;
inline constexpr int kProductKeyInstalled = 1001;
inline constexpr int kProductKeyUninstalled = 1002;
inline constexpr int kProductKeyCleared = 1003;
inline constexpr int kProductKeyRefused = 1009;
inline constexpr int kEditionChangeStaged = 1010;
inline constexpr int kEditionChangeApplied = 1011;
inline constexpr int kEditionChangedOffline = 1012;
inline constexpr int kRearmStaged = 1020;
inline constexpr int kRearmApplied = 1021;
inline constexpr int kBackupRestored = 1030;
inline constexpr int kLabClockMoved = 1040;
inline constexpr int kLabHardwareChanged = 1041;
inline constexpr int kSettingChanged = 1050;
inline constexpr int kPhoneActivated = 1060;  // slmgr /atp
inline constexpr int kActivationFailed = 8198;
inline constexpr int kActivationFailureDetails = 8200;
}  // namespace event_id

enum class EventLevel { kInformation, kWarning, kError };

struct Event {
  TimePoint time{};  // installation time (lab clock included)
  int id = 0;
  EventLevel level = EventLevel::kInformation;
  std::string message;
  std::optional<ErrorCode> code;
  std::map<std::string, std::string> data;
};

[[nodiscard]] std::string_view EventLevelName(EventLevel level);
[[nodiscard]] std::string EventToJsonLine(const Event& event);

/// Appends durably. Errors: kIoError, kAccessDenied.
[[nodiscard]] Status AppendEvent(const std::filesystem::path& log, const Event& event);

/// Reads every well-formed line (a torn last line from a crash is skipped). A missing log is empty.
/// Errors: kIoError.
[[nodiscard]] StatusOr<std::vector<Event>> ReadEvents(const std::filesystem::path& log);

}  // namespace licet::client
