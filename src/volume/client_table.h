// The volume host's count: the distinct client machine IDs (CMIDs) seen in the last 30 days (the
// catalog's cmid_cache_days), kept in memory and in an append-only journal so a restart (or a
// SIGKILL) keeps the count. A CMID seen again refreshes its time and never raises the count; a CMID
// presented by a second machine (an image cloned without generalizing) is reported as a duplicate.
//
//   LICET_ASSIGN_OR_RETURN(auto table, ClientTable::Open(dir / "clients.journal", now, 30 days));
//   const Sighting s = table->Record(cmid, hardware_id, now);  // s.count, s.duplicate
//   LICET_RETURN_IF_ERROR(table->Flush());  // before the reply leaves: survives a process kill
//
// Durability: Flush() write()s the pending records (they survive the process being killed); a
// timer calls Sync() every second (fdatasync: they survive a power loss, except the last second,
// which only lowers the count until those clients renew). Journal format: docs/formats/
// volume_protocol.md. Memory: about 60 bytes per CMID (bench/volume_bench.cc measures it).
//
// Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "licet/core/clock.h"
#include "licet/core/status.h"

namespace licet::volume {

using Cmid = std::array<std::uint8_t, 16>;

/// Parses a UUID's 32 hex digits. nullopt when malformed.
[[nodiscard]] std::optional<Cmid> ParseCmid(std::string_view uuid);
/// A 64-bit hash of a hardware binding (enough to tell machines apart).
[[nodiscard]] std::uint64_t HardwareFingerprint(std::string_view binding);

struct Sighting {
  std::uint32_t count = 0;  // distinct CMIDs within the window, this one included
  bool duplicate = false;   // this CMID was first seen on another machine
};

class ClientTable {
 public:
  /// Loads the journal (skipping a torn or damaged tail), drops CMIDs older than the window and
  /// rewrites the journal compactly when it is mostly stale. Errors: kIoError, kAccessDenied.
  [[nodiscard]] static StatusOr<std::unique_ptr<ClientTable>> Open(std::filesystem::path journal,
                                                                   TimePoint now, Seconds window);
  /// The count a journal holds at `now`, read without changing it (for `licet-volume status` while
  /// `serve` runs). Errors: kIoError.
  [[nodiscard]] static StatusOr<std::uint32_t> CountJournal(const std::filesystem::path& journal,
                                                            TimePoint now, Seconds window);
  /// An in-memory table with no journal (benchmarks and the `status` command's read-only view).
  [[nodiscard]] static std::unique_ptr<ClientTable> InMemory(Seconds window);
  ~ClientTable();
  ClientTable(const ClientTable&) = delete;
  ClientTable& operator=(const ClientTable&) = delete;

  /// Counts this sighting and queues its journal record.
  Sighting Record(const Cmid& cmid, std::uint64_t hardware, TimePoint now);
  /// Writes queued records to the journal. Errors: kIoError.
  [[nodiscard]] Status Flush();
  /// Flushes and fdatasyncs. Errors: kIoError.
  [[nodiscard]] Status Sync();
  /// Distinct CMIDs within the window at `now`.
  [[nodiscard]] std::uint32_t Count(TimePoint now);
  [[nodiscard]] std::size_t TrackedForTesting();

 private:
  struct CmidHash {
    std::size_t operator()(const Cmid& c) const noexcept;
  };
  struct Entry {
    std::int64_t last_seen = 0;  // seconds since the epoch
    std::uint64_t hardware = 0;  // fingerprint of the first machine that presented it
  };

  explicit ClientTable(Seconds window) : window_(window) {}
  void Apply(const Cmid& cmid, std::uint64_t hardware, std::int64_t seen);
  /// Replays the journal's intact records; returns how many (a torn tail is left out).
  [[nodiscard]] StatusOr<std::size_t> Load(std::uintmax_t& file_size);
  void ExpireLocked(std::int64_t now);
  [[nodiscard]] Status WriteLocked();

  std::mutex mu_;
  Seconds window_;
  std::unordered_map<Cmid, Entry, CmidHash> entries_;
  std::int64_t next_expiry_ = 0;
  int fd_ = -1;
  std::filesystem::path journal_;
  std::string pending_;  // encoded records not yet written
};

}  // namespace licet::volume
