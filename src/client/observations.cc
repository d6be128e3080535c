#include "observations.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "licet/core/atomic_file.h"
#include "licet/core/json_reader.h"

namespace licet::client {
namespace fs = std::filesystem;

fs::path ObservationsPath(const fs::path& root) { return root / "observed.json"; }

namespace {

// Most observed.json files are smaller (ReadWholeFile's expected size); the largest one read.
constexpr std::size_t kTypicalBytes = 512;
constexpr std::size_t kMaxBytes = 2048;

Observations ParseObservations(std::string_view observed_json) {
  Observations o;
  const StatusOr<JsonDocument> doc = JsonDocument::Parse(observed_json);
  if (!doc.ok() || !doc->root().is_object()) return o;
  const JsonValue j = doc->root();
  // Each member on its own: a missing or mistyped one reads as never observed.
  const auto text = [&j](std::string_view key) -> std::string {
    const std::optional<JsonValue> v = j.find(key);
    return v && v->is_string() ? std::string(v->string()) : std::string();
  };
  const auto time = [&text](std::string_view key) -> std::optional<TimePoint> {
    const std::string value = text(key);
    if (value.empty()) return std::nullopt;  // (not a failed parse: that formats an error)
    StatusOr<TimePoint> t = ParseIso8601(value);
    return t.ok() ? std::optional<TimePoint>(*t) : std::nullopt;
  };
  o.trusted_time = time("trusted_time").value_or(TimePoint{});
  o.out_of_tolerance_since = time("out_of_tolerance_since");
  o.out_of_tolerance_token = text("out_of_tolerance_token");
  o.boot.boot_id = text("boot_id");
  o.boot.hardware = text("hardware");
  o.boot.virtual_machine = text("virtual_machine");
  o.boot.container = text("container");
  o.boot.seal = text("boot_seal");
  return o;
}

}  // namespace

Observations ReadObservations(const fs::path& root) {
  return ReadObservationsFile(ObservationsPath(root).c_str());
}

Observations ReadObservationsFile(const char* observed_json) {
  const StatusOr<std::string> file = ReadWholeFile(observed_json, kMaxBytes, kTypicalBytes);
  return file.ok() ? ParseObservations(*file) : Observations{};
}

Status WriteObservations(const fs::path& root, const Observations& o) {
  const nlohmann::json j = {
      {"trusted_time", FormatIso8601(o.trusted_time)},
      {"out_of_tolerance_since", o.out_of_tolerance_since
                                     ? nlohmann::json(FormatIso8601(*o.out_of_tolerance_since))
                                     : nlohmann::json(nullptr)},
      {"out_of_tolerance_token", o.out_of_tolerance_token},
      {"boot_id", o.boot.boot_id},
      {"hardware", o.boot.hardware},
      {"virtual_machine", o.boot.virtual_machine},
      {"container", o.boot.container},
      {"boot_seal", o.boot.seal}};
  LICET_RETURN_IF_ERROR(
      WriteFileAtomically(ObservationsPath(root), j.dump() + "\n", FileMode::kOwnerOnly));
  // The temporaries of writes that stopped before their rename (an application that exited
  // while its SDK handle's watcher wrote observed.json).
  RemoveStaleTemporaries(ObservationsPath(root), std::chrono::minutes(1));
  return OkStatus();
}

}  // namespace licet::client
