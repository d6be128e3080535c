// The engine behind the C API (include/licet/licet.h): one opened installation, checked cheaply and
// often by an application.
//
// A check is a memory read: the state rendered at the last change stays valid until a deadline
// (the next minute of a countdown, the end of a status, a forced-shutdown time) or until the store
// changes. A watcher thread does the reading once the application checks a second time (a one-shot
// check, as a command-line tool makes, never pays for a thread): its first act is a full reload,
// then it reloads when inotify reports a change in the store's directory, and every minute
// re-reads the hardware and raises the trusted-time mark; checks never wait on I/O. Until it runs,
// a check stats store.json as a handle opened without a watcher does. Loading never reads the TOML
// catalog: store.json carries the catalog profile it needs (client/catalog_profile.h), sealed with
// the record (the CLI, which does load catalog.toml, verifies its vendor signature).
//
// Opening is the one synchronous load, kept short for application start: the store, its seal, the
// token's signature and observed.json, with the hardware and virtualization read earlier in the
// same boot when observed.json holds them under a valid seal; the watcher's full reload reads the
// hardware again, and a difference shows in the next check.
//
// Thread-safe: checks share a reader lock; reloads and renders take the writer lock.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>

#include "hardware_probe.h"
#include "install_record.h"
#include "license_facts.h"
#include "licet/licet.h"

namespace licet::engine {

struct CheckerOptions {
  std::string root;     // the installation's directory
  std::string catalog;  // the product ID the application belongs to
  std::optional<std::array<std::uint8_t, 32>> vendor_public_key;
  bool watch = true;
  // How often the hardware is re-read and the trusted-time mark raised while the application runs.
  std::chrono::seconds recheck{60};
};

class LicenseChecker {
 public:
  /// Loads and verifies the store. Errors: kNotInstalled, kStoreCorrupt, kCatalogUntrusted,
  /// kIoError.
  [[nodiscard]] static StatusOr<std::unique_ptr<LicenseChecker>> Open(CheckerOptions options);
  ~LicenseChecker();
  LicenseChecker(const LicenseChecker&) = delete;
  LicenseChecker& operator=(const LicenseChecker&) = delete;

  /// Fills `out` (the full current struct; the C layer copies what the caller's version holds).
  /// When the store cannot be read any more, returns why and fills `out` as unlicensed.
  [[nodiscard]] Status Check(licet_state& out);

  /// OkStatus when `feature` may be used now; else why not.
  [[nodiscard]] Status CheckFeature(std::string_view feature);

  /// Applies staged changes (licet restart); returns how many were applied.
  [[nodiscard]] StatusOr<int> ApplyPending();

 private:
  // What was read from disk at one generation.
  struct Snapshot {
    client::InstallRecord record;
    client::IntegrityFindings integrity;
    client::Observations observations;
    client::Virtualization virtualization;
    client::BootHardware boot_on_disk;  // observations.boot as observed.json held it
    TimePoint trusted_on_disk{};        // observations.trusted_time as observed.json held it
  };
  // The state rendered at one instant, and the span of licensing time it stays true for.
  struct Rendered {
    std::uint64_t generation = 0;
    licet_state state{};
    TimePoint trusted{};      // the trusted time of the snapshot (the floor of `now`)
    TimePoint clock_from{};   // a clock earlier than this was set back: render again
    TimePoint valid_until{};  // licensing time at which the rendering expires (exclusive)
    Seconds lab_offset{0};    // the lab clock offset of the snapshot
    Status error;             // set when the snapshot could not be loaded
  };

  explicit LicenseChecker(CheckerOptions options);

  // Reads the store into a new snapshot and checks its integrity. `at_start`: reuse this boot's
  // hardware from observed.json (when its seal holds).
  [[nodiscard]] StatusOr<std::unique_ptr<Snapshot>> Load(bool at_start) const;
  // Load's reading: the snapshot without its integrity findings, and what finding them takes.
  struct Read {
    std::unique_ptr<Snapshot> snapshot;
    bool sealed = false;  // store.json's seal holds
    std::array<std::uint8_t, 32> vendor_public_key{};
    HardwareBinding hardware;  // this machine's, lab overrides applied
  };
  [[nodiscard]] StatusOr<Read> ReadSnapshot(bool at_start) const;
  // Loads and installs a new snapshot (open, the watcher, or a check without one); returns why it
  // could not be loaded, which checks then report.
  Status Reload(bool at_start, TimePoint system_now);
  void Render(TimePoint clock_now);  // requires the writer lock
  [[nodiscard]] TimePoint ClockNow() const;
  // No-watcher mode: a new value when store.json's identity changed since the last call.
  [[nodiscard]] std::uint64_t CurrentGeneration();
  // Starts the watcher once (from the second check); sets watching_ when it runs.
  void StartWatcher();
  void WatchLoop();
  // The inputs of the license facts of `s` when the machine clock reads `system_now`.
  [[nodiscard]] static client::FactsInput FactsInputOf(const Snapshot& s, TimePoint system_now);
  // Raises the trusted-time mark, records the out-of-tolerance start and this boot's hardware in
  // observed.json when they moved (best effort), and keeps them in `s`. At start (open), a write
  // of the mark alone is put off (pending_observations_).
  void PersistObservations(Snapshot& s, TimePoint system_now, bool at_start);
  // Makes the write open put off, if no later write superseded it, and never over a higher mark
  // on disk.
  void WritePendingObservations();

  CheckerOptions options_;
  // The installation's files, joined once as text: a first check builds no std::filesystem::path
  // (its code, its data and its allocations are pages a fresh process pays for).
  struct Files {
    std::string store;
    std::string observations;
    std::string lab_hardware;
  };
  const Files files_;

  // Without a watcher: bumped when store.json's identity changes.
  std::atomic<std::uint64_t> generation_{1};
  mutable std::shared_mutex mutex_;
  // Guarded by mutex_. On the heap: a new snapshot is allocated once store.json's text is freed
  // (Load), takes the parsed record, and is installed by swapping pointers.
  std::unique_ptr<Snapshot> snapshot_;
  std::uint64_t snapshot_generation_ = 0;  // guarded by mutex_; a new value for every snapshot
  Status snapshot_error_;
  std::uint64_t loaded_generation_ = 0;  // guarded by mutex_; no watcher: generation_ loaded
  // Guarded by mutex_. No watcher: a check from this CLOCK_MONOTONIC instant (ns) on reloads,
  // re-reading the hardware.
  std::int64_t reload_due_ns_ = 0;
  Rendered rendered_;                               // guarded by mutex_
  std::optional<TimePoint> forced_shutdown_since_;  // first render with forced shutdown

  // Without a watcher: store.json's identity, compared on every check.
  struct FileIdentity {
    std::int64_t mtime_ns = 0;
    std::uint64_t inode = 0;
    std::int64_t size = 0;
    friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
  };
  [[nodiscard]] FileIdentity StoreIdentity() const;
  std::atomic<std::int64_t> seen_mtime_ns_{0};
  std::atomic<std::uint64_t> seen_inode_{0};
  std::atomic<std::int64_t> seen_size_{0};

  std::atomic<bool> answered_once_{false};  // a check has returned: the next one starts the watcher
  std::once_flag watcher_once_;
  std::atomic<bool> watching_{false};  // the watcher runs: checks need not stat store.json
  int inotify_fd_ = -1;
  int stop_fd_ = -1;
  std::thread watcher_;
  // observed.json as open found it due to be written when only the trusted-time mark moved on
  // (by ten minutes or more since the last write, as at nearly every application start). A
  // durable write costs milliseconds (bench/RESULTS.md), so a first check does not wait for it:
  // the watcher makes it when it starts (the second check), a later reload that writes
  // supersedes it, and the destructor (licet_close) makes it otherwise. An application that exits
  // without closing, after a single check, leaves the mark where it was; its next start writes it.
  std::mutex pending_mu_;
  std::optional<client::Observations> pending_observations_;  // guarded by pending_mu_
};

}  // namespace licet::engine
