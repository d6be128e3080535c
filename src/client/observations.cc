#include "observations.h"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "licet/core/atomic_file.h"

namespace licet::client {
namespace fs = std::filesystem;

fs::path ObservationsPath(const fs::path& root) { return root / "observed.json"; }

Observations ReadObservations(const fs::path& root) {
  Observations o;
  // Plain read: applications do this at every start.
  const int fd = ::open(ObservationsPath(root).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return o;
  char buf[2048];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n <= 0) return o;
  const nlohmann::json j =
      nlohmann::json::parse(std::string_view(buf, static_cast<std::size_t>(n)), nullptr, false);
  if (!j.is_object()) return o;
  const auto time = [&j](const char* key) -> std::optional<TimePoint> {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    StatusOr<TimePoint> t = ParseIso8601(it->get<std::string>());
    return t.ok() ? std::optional<TimePoint>(*t) : std::nullopt;
  };
  o.trusted_time = time("trusted_time").value_or(TimePoint{});
  o.out_of_tolerance_since = time("out_of_tolerance_since");
  const auto text = [&j](const char* key) -> std::string {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  o.out_of_tolerance_token = text("out_of_tolerance_token");
  o.boot_id = text("boot_id");
  o.hardware = text("hardware");
  o.virtual_machine = text("virtual_machine");
  o.container = text("container");
  return o;
}

Status WriteObservations(const fs::path& root, const Observations& o) {
  const nlohmann::json j = {
      {"trusted_time", FormatIso8601(o.trusted_time)},
      {"out_of_tolerance_since", o.out_of_tolerance_since
                                     ? nlohmann::json(FormatIso8601(*o.out_of_tolerance_since))
                                     : nlohmann::json(nullptr)},
      {"out_of_tolerance_token", o.out_of_tolerance_token},
      {"boot_id", o.boot_id},
      {"hardware", o.hardware},
      {"virtual_machine", o.virtual_machine},
      {"container", o.container}};
  return WriteFileAtomically(ObservationsPath(root), j.dump() + "\n", FileMode::kOwnerOnly);
}

}  // namespace licet::client
