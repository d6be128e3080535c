#include "license_checker.h"

#include <fmt/format.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>

#include "installation.h"
#include "licet/core/ascii.h"
#include "licet/core/atomic_file.h"
#include "licet/core/encoding.h"
#include "restart.h"
#include "store_seal.h"

namespace licet::engine {
namespace {

using std::chrono::minutes;

// observed.json is rewritten when the trusted time moved this much (or the out-of-tolerance start
// changed): often enough to matter, rarely enough to cost nothing.
constexpr Seconds kObservationWriteInterval = minutes(10);
constexpr TimePoint kForever = TimePoint::max();

template <std::size_t N>
void CopyText(char (&dst)[N], std::string_view text) {
  const std::size_t n = std::min(text.size(), N - 1);
  std::memcpy(dst, text.data(), n);
  dst[n] = '\0';
}

std::int64_t Unix(TimePoint t) { return t.time_since_epoch().count(); }

// store.json of the installation, expected to be `expected_bytes` long; a missing file is a
// missing installation.
StatusOr<std::string> ReadStoreFile(const std::string& path, std::size_t expected_bytes) {
  StatusOr<std::string> text = ReadWholeFile(path.c_str(), 1 << 20, expected_bytes);
  if (!text.ok() && text.status().code() == ErrorCode::kNotFound) {
    return Status(ErrorCode::kNotInstalled, "no Licet installation: " + path + " does not exist");
  }
  return text;
}

// `root`/`name`, as text.
std::string InRoot(const std::string& root, std::string_view name) {
  std::string path = root;
  if (!path.empty() && path.back() != '/') path += '/';
  path += name;
  return path;
}

std::string ChannelOf(const client::InstallRecord& r) {
  if (r.key) return std::string(ChannelName(r.key->channel));
  if (r.profile.evaluation) return std::string(ChannelName(Channel::kTimeBasedEval));
  return {};
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

// The seal of this boot's hardware in observed.json: a first check trusts those values instead of
// reading the machine, so an edit (say, another machine's boot ID pasted in) must show.
std::string BootHardwareSeal(const client::BootHardware& b, const client::InstallRecord& r) {
  // Joined by hand, not with fmt: a first check touches no page of libfmt (RESULTS.md).
  std::string sealed;
  for (const std::string* part : {&b.boot_id, &b.hardware, &b.virtual_machine, &b.container}) {
    if (part != &b.boot_id) sealed += '\n';
    sealed += *part;
  }
  return client::SideSeal("licet/boot-hardware/v1", sealed, r.cmid, r.vendor_public_key);
}

bool SameFeature(std::string_view a, std::string_view b) { return EqualsIgnoringAsciiCase(a, b); }

// CLOCK_MONOTONIC in nanoseconds, read as ClockNow reads the time of day: steady_clock::now() would
// be a call into libstdc++, one more page for a first check.
std::int64_t MonotonicNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t Nanoseconds(std::chrono::seconds s) { return s.count() * 1'000'000'000; }

}  // namespace

LicenseChecker::LicenseChecker(CheckerOptions options)
    : options_(std::move(options)),
      files_{.store = InRoot(options_.root, "store.json"),
             .observations = InRoot(options_.root, "observed.json"),
             .lab_hardware = InRoot(options_.root, "lab-hardware.json")} {}

LicenseChecker::~LicenseChecker() {
  if (watcher_.joinable()) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(stop_fd_, &one, sizeof one);
    watcher_.join();
  }
  WritePendingObservations();
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

StatusOr<std::unique_ptr<LicenseChecker>> LicenseChecker::Open(CheckerOptions options) {
  if (options.catalog.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "licet_open needs the catalog (product ID) the application belongs to");
  }
  std::unique_ptr<LicenseChecker> c(new LicenseChecker(std::move(options)));
  // Until a watcher runs, remember store.json's identity; a change is reloaded by the next check.
  const std::uint64_t generation = c->CurrentGeneration();
  // One instant for the trusted-time mark open keeps and the state it renders: a later process
  // that starts from that mark then never sees more time left than this one did.
  const TimePoint now = c->ClockNow();
  LICET_RETURN_IF_ERROR(c->Reload(/*at_start=*/true, now));
  {
    std::unique_lock lock(c->mutex_);
    c->loaded_generation_ = generation;
    c->reload_due_ns_ = MonotonicNs() + Nanoseconds(c->options_.recheck);
    c->Render(now);
  }
  return c;
}

TimePoint LicenseChecker::ClockNow() const {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return TimePoint(Seconds(ts.tv_sec));
}

LicenseChecker::FileIdentity LicenseChecker::StoreIdentity() const {
  struct stat st {};
  if (::stat(files_.store.c_str(), &st) != 0) return {};
  return FileIdentity{.mtime_ns = st.st_mtim.tv_sec * 1'000'000'000 + st.st_mtim.tv_nsec,
                      .inode = st.st_ino,
                      .size = st.st_size};
}

std::uint64_t LicenseChecker::CurrentGeneration() {
  const FileIdentity now = StoreIdentity();
  const FileIdentity seen{.mtime_ns = seen_mtime_ns_.load(std::memory_order_relaxed),
                          .inode = seen_inode_.load(std::memory_order_relaxed),
                          .size = seen_size_.load(std::memory_order_relaxed)};
  if (now != seen) {
    seen_mtime_ns_.store(now.mtime_ns, std::memory_order_relaxed);
    seen_inode_.store(now.inode, std::memory_order_relaxed);
    seen_size_.store(now.size, std::memory_order_relaxed);
    return generation_.fetch_add(1, std::memory_order_acq_rel) + 1;
  }
  return generation_.load(std::memory_order_acquire);
}

StatusOr<std::unique_ptr<LicenseChecker::Snapshot>> LicenseChecker::Load(bool at_start) const {
  // The token's verification runs from this small frame, not from ReadSnapshot's 2 KB of parsed
  // record and hardware: a first check's stack then stays within the pages a fresh process has
  // already touched (each new one is a page fault; bench/RESULTS.md, "Application SDK").
  LICET_ASSIGN_OR_RETURN(Read read, ReadSnapshot(at_start));
  Snapshot& s = *read.snapshot;
  s.integrity = client::CheckIntegrity(
      client::IntegritySubject{.record = &s.record,
                               .seal_matches = read.sealed,
                               .product_id = s.record.product_id,
                               .vendor_public_key = read.vendor_public_key,
                               .phone_public_key = s.record.profile.phone_public_key},
      read.hardware);
  return std::move(read.snapshot);
}

[[gnu::noinline]] StatusOr<LicenseChecker::Read> LicenseChecker::ReadSnapshot(bool at_start) const {
  const std::string& root = options_.root;
  // The size store.json had when its identity was last taken (usually just now, by the caller).
  const auto expected_size = static_cast<std::size_t>(seen_size_.load(std::memory_order_relaxed));
  client::InstallRecord record;
  bool sealed = false;
  {
    // store.json's text goes once parsed and its seal checked: what the load allocates next takes
    // its place instead of new heap pages, which a first check pays for one by one.
    LICET_ASSIGN_OR_RETURN(const std::string store_text,
                           ReadStoreFile(files_.store, expected_size));
    LICET_RETURN_IF_ERROR(client::ParseRecordInto(store_text, files_.store, record));
    sealed =
        client::StoreSealMatches(store_text, record.seal, record.cmid, record.vendor_public_key);
  }
  // The snapshot too: allocated before the parse, it would sit below the text and the parse tree
  // and push the heap's top a page further.
  auto snapshot = std::make_unique<Snapshot>();
  Snapshot& s = *snapshot;
  s.record = std::move(record);
  const client::InstallRecord& rec = s.record;
  if (rec.product_id != options_.catalog) {
    return Status(ErrorCode::kCatalogUntrusted,
                  fmt::format("{} holds an installation of {}, not of {}", root, rec.product_id,
                              options_.catalog));
  }
  const std::optional<std::vector<std::uint8_t>> vendor_key = Base64Decode(rec.vendor_public_key);
  if (!vendor_key || vendor_key->size() != 32) {
    return Status(ErrorCode::kStoreCorrupt, "store.json holds no valid vendor key");
  }
  std::array<std::uint8_t, 32> key{};
  std::copy(vendor_key->begin(), vendor_key->end(), key.begin());
  if (options_.vendor_public_key && *options_.vendor_public_key != key) {
    return Status(ErrorCode::kCatalogUntrusted,
                  fmt::format("{} was installed from a catalog signed by {}, not by the vendor key "
                              "this application trusts",
                              root, rec.vendor_key_id));
  }
  s.observations = client::ReadObservationsFile(files_.observations.c_str());
  s.boot_on_disk = s.observations.boot;
  s.trusted_on_disk = s.observations.trusted_time;
  // The hardware: reused from earlier in this boot at start, else read now (without the lab
  // overrides, which apply on top either way).
  const std::string boot_id = client::ReadBootId();
  std::optional<HardwareBinding> hardware;
  const client::BootHardware& seen = s.observations.boot;
  if (at_start && !boot_id.empty() && seen.boot_id == boot_id &&
      seen.seal == BootHardwareSeal(seen, rec)) {
    hardware = HardwareBinding::Parse(seen.hardware);
    s.virtualization = {.virtual_machine = seen.virtual_machine, .container = seen.container};
  }
  if (!hardware) {
    hardware = client::CurrentHardware(root, /*lab=*/false);
    s.virtualization = client::DetectVirtualization();
    s.observations.boot = client::BootHardware{.boot_id = boot_id,
                                               .hardware = hardware->ToString(),
                                               .virtual_machine = s.virtualization.virtual_machine,
                                               .container = s.virtualization.container};
    s.observations.boot.seal = BootHardwareSeal(s.observations.boot, rec);
  }
  if (rec.profile.lab) hardware = client::ApplyLabHardware(files_.lab_hardware.c_str(), *hardware);
  return Read{.snapshot = std::move(snapshot),
              .sealed = sealed,
              .vendor_public_key = key,
              .hardware = std::move(*hardware)};
}

Status LicenseChecker::Reload(bool at_start, TimePoint system_now) {
  StatusOr<std::unique_ptr<Snapshot>> loaded_or = Load(at_start);
  const Status status = loaded_or.status();
  std::unique_ptr<Snapshot> loaded = status.ok() ? std::move(*loaded_or) : nullptr;
  if (status.ok()) {
    {
      // The trusted time this handle has seen stays its floor, whatever observed.json says: the
      // file is written at most every few minutes, and a reload must not move the mark back.
      std::shared_lock lock(mutex_);
      if (snapshot_ && snapshot_->record.cmid == loaded->record.cmid) {
        loaded->observations.trusted_time =
            std::max(loaded->observations.trusted_time, snapshot_->observations.trusted_time);
      }
    }
    PersistObservations(*loaded, system_now, at_start);
  }
  std::unique_ptr<Snapshot> replaced;  // freed after the lock is released
  std::unique_lock lock(mutex_);
  replaced = std::move(snapshot_);
  if (status.ok()) snapshot_ = std::move(loaded);
  snapshot_error_ = status;
  ++snapshot_generation_;
  return status;
}

client::FactsInput LicenseChecker::FactsInputOf(const Snapshot& s, TimePoint system_now) {
  return client::FactsInput{.record = &s.record,
                            .evaluation_edition = s.record.profile.evaluation,
                            .integrity = &s.integrity,
                            .observations = &s.observations,
                            .clock_now = system_now + Seconds(s.record.lab_clock_offset_seconds)};
}

void LicenseChecker::PersistObservations(Snapshot& s, TimePoint system_now, bool at_start) {
  if (s.integrity.tampering) return;  // nothing to keep from a store that is not genuine
  const client::FactsInput in = FactsInputOf(s, system_now);
  const client::Observations updated = client::UpdatedObservations(in, client::LicensingNow(in));
  // As Load read it, but `boot` (see boot_on_disk) and a trusted time Reload may have raised.
  const client::Observations& on_disk = s.observations;
  const bool oot_changed = updated.out_of_tolerance_since != on_disk.out_of_tolerance_since ||
                           updated.out_of_tolerance_token != on_disk.out_of_tolerance_token;
  // A fresh reading of the hardware that differs from what observed.json held goes to disk.
  const bool hardware_changed = updated.boot != s.boot_on_disk;
  if (oot_changed || hardware_changed ||
      updated.trusted_time - s.trusted_on_disk >= kObservationWriteInterval) {
    std::unique_lock lock(pending_mu_);
    pending_observations_.reset();  // this write, or the one put off now, supersedes it
    // Only a moved trusted-time mark is put off: this boot's hardware (read once per boot, then
    // reused by every start) and the out-of-tolerance start are written at once.
    if (at_start && !oot_changed && !hardware_changed) {
      pending_observations_ = updated;
    } else {
      lock.unlock();
      // Best effort: a read-only store still works, its marks are then only kept in memory.
      (void)client::WriteObservations(options_.root, updated);
    }
  }
  s.observations = updated;
}

void LicenseChecker::WritePendingObservations() {
  std::optional<client::Observations> pending;
  {
    std::lock_guard lock(pending_mu_);
    pending.swap(pending_observations_);
  }
  if (!pending) return;
  // Written late, so never over a higher mark another process has written since (a mark only
  // goes up), and over what else that process wrote (only a moved mark is put off: the rest was
  // what open read).
  client::Observations on_disk = client::ReadObservationsFile(files_.observations.c_str());
  if (on_disk.trusted_time != TimePoint{}) {
    if (on_disk.trusted_time >= pending->trusted_time) return;
    on_disk.trusted_time = pending->trusted_time;
    pending = std::move(on_disk);
  }
  (void)client::WriteObservations(options_.root, *pending);  // best effort
}

void LicenseChecker::Render(TimePoint system_now) {
  Rendered r;
  r.generation = snapshot_generation_;
  licet_state& out = r.state;
  out.struct_size = sizeof(licet_state);
  if (!snapshot_) {
    out.status = LICET_STATUS_UNLICENSED;
    out.coarse = LICET_COARSE_UNLICENSED;
    out.reason = static_cast<licet_code>(snapshot_error_.code());
    out.now = Unix(system_now);
    CopyText(out.explanation, snapshot_error_.message());
    r.error = snapshot_error_;
    r.clock_from = TimePoint::min();
    r.valid_until = kForever;
    rendered_ = std::move(r);
    return;
  }
  const client::InstallRecord& rec = snapshot_->record;
  const client::FactsInput in = FactsInputOf(*snapshot_, system_now);
  const TimePoint clock = in.clock_now;
  const TimePoint now = client::LicensingNow(in);
  const LicenseFacts facts = client::BuildLicenseFacts(in);
  const LicenseState st = EvaluateLicense(facts, rec.profile.policy, now);

  out.status = static_cast<std::int32_t>(st.status);
  out.coarse = static_cast<std::int32_t>(st.coarse());
  out.enforcement = static_cast<std::int32_t>(st.enforcement);
  out.reason = static_cast<licet_code>(st.reason);
  out.now = Unix(now);
  const client::IntegrityFindings& integrity = snapshot_->integrity;
  if (rec.profile.evaluation) out.flags |= LICET_FLAG_EVALUATION;
  if (facts.clock_set_back_by) out.flags |= LICET_FLAG_CLOCK_SET_BACK;
  if (facts.tampering) out.flags |= LICET_FLAG_TAMPERED;
  if (integrity.hardware && !integrity.hardware->changed.empty()) {
    out.flags |= LICET_FLAG_HARDWARE_CHANGED;
    CopyText(out.changed_hardware, client::ChangedComponents(*integrity.hardware));
  }
  const client::Virtualization& virt = snapshot_->virtualization;
  if (!virt.virtual_machine.empty()) out.flags |= LICET_FLAG_VIRTUAL_MACHINE;
  if (!virt.container.empty()) out.flags |= LICET_FLAG_CONTAINER;
  if (rec.pending) out.flags |= LICET_FLAG_PENDING_CHANGES;
  CopyText(out.virtualization, virt.ToString());

  TimePoint valid_until = kForever;
  if (st.ends) {
    out.ends = Unix(*st.ends);
    const Seconds left = st.Remaining(now);
    out.minutes_left = left.count() / 60;
    // minutes_left drops when fewer than that many whole minutes remain; the status at `ends`.
    valid_until = std::min(*st.ends, *st.ends - Seconds(60 * out.minutes_left) + Seconds(1));
  }
  if (st.enforcement == Enforcement::kForcedShutdown) {
    // The application shuts down one interval after it started, or after the forced shutdowns
    // began while it ran (Windows: an hour after boot).
    if (!forced_shutdown_since_) forced_shutdown_since_ = now;
    const TimePoint deadline = *forced_shutdown_since_ + st.shutdown_interval;
    out.shutdown_interval_minutes = st.shutdown_interval.count() / 60;
    out.shutdown_at = Unix(deadline);
    out.shutdown_due = now >= deadline ? 1 : 0;
    if (now < deadline) valid_until = std::min(valid_until, deadline);
  } else {
    forced_shutdown_since_.reset();
  }
  const TimePoint trusted = client::TrustedTime(in);
  if (facts.clock_set_back_by) {
    valid_until = std::min(valid_until, trusted - client::kClockRollbackTolerance);
  }

  CopyText(out.product_id, rec.product_id);
  CopyText(out.product_name, rec.profile.product_name);
  CopyText(out.edition, rec.edition);
  CopyText(out.edition_name, rec.profile.edition_name);
  CopyText(out.channel, ChannelOf(rec));
  CopyText(out.features, Joined(rec.profile.edition_features));
  CopyText(out.explanation, st.explanation);

  r.trusted = trusted;
  r.clock_from = clock;
  r.valid_until = valid_until;
  r.lab_offset = Seconds(rec.lab_clock_offset_seconds);
  rendered_ = std::move(r);
}

Status LicenseChecker::Check(licet_state& out) {
  if (options_.watch && !watching_.load(std::memory_order_acquire) &&
      answered_once_.load(std::memory_order_relaxed)) {
    std::call_once(watcher_once_, [this] { StartWatcher(); });
  }
  const bool watching = watching_.load(std::memory_order_acquire);
  if (!watching && !answered_once_.load(std::memory_order_relaxed)) {
    answered_once_.store(true, std::memory_order_relaxed);
  }
  const std::uint64_t generation = watching ? 0 : CurrentGeneration();
  // Without a watcher, a check also reloads once `recheck` has passed: the hardware and the
  // trusted time are read again then, as the watcher's periodic wake-up does.
  const std::int64_t monotonic_ns = watching ? 0 : MonotonicNs();
  const TimePoint system_now = ClockNow();
  {
    std::shared_lock lock(mutex_);
    const Rendered& r = rendered_;
    const TimePoint clock = system_now + r.lab_offset;
    const TimePoint now = std::max(clock, r.trusted);
    const bool current =
        r.generation == snapshot_generation_ &&
        (watching || (loaded_generation_ == generation && monotonic_ns < reload_due_ns_));
    if (current && clock >= r.clock_from && now < r.valid_until) {
      out = r.state;
      if (r.error.ok()) out.now = Unix(now);
      return r.error;
    }
  }
  if (!watching) {
    // No watcher: this thread reloads when store.json changed.
    std::unique_lock lock(mutex_);
    if (loaded_generation_ != generation || monotonic_ns >= reload_due_ns_) {
      lock.unlock();
      (void)Reload(/*at_start=*/false, system_now);  // a failure is kept for the render below
      lock.lock();
      loaded_generation_ = generation;
      reload_due_ns_ = monotonic_ns + Nanoseconds(options_.recheck);
    }
    Render(system_now);
    out = rendered_.state;
    return rendered_.error;
  }
  std::unique_lock lock(mutex_);
  Render(ClockNow());
  out = rendered_.state;
  return rendered_.error;
}

Status LicenseChecker::CheckFeature(std::string_view feature) {
  licet_state st{};
  LICET_RETURN_IF_ERROR(Check(st));
  std::shared_lock lock(mutex_);
  if (!snapshot_) return snapshot_error_;
  const client::InstallRecord& rec = snapshot_->record;
  const std::vector<std::string>& allowed = rec.profile.edition_features;
  const bool in_edition = std::any_of(allowed.begin(), allowed.end(), [&](const std::string& f) {
    return SameFeature(f, feature);
  });
  if (!in_edition) {
    return Status(
        ErrorCode::kFeatureNotAllowed,
        fmt::format("{} is not available in {} ({}); it has: {}", feature, rec.edition,
                    rec.profile.edition_name, allowed.empty() ? "no features" : Joined(allowed)),
        "Convert to an edition that has it: licet dism /online /Get-TargetEditions");
  }
  if ((st.flags & LICET_FLAG_TAMPERED) != 0 || st.status == LICET_STATUS_UNLICENSED) {
    return Status(static_cast<ErrorCode>(st.reason), st.explanation);
  }
  return OkStatus();
}

StatusOr<int> LicenseChecker::ApplyPending() {
  LICET_ASSIGN_OR_RETURN(
      client::Installation inst,
      client::Installation::Open(options_.root, client::Access::kReadWrite, SystemClock::Get()));
  if (inst.record().product_id != options_.catalog) {
    return Status(ErrorCode::kCatalogUntrusted,
                  fmt::format("{} holds an installation of {}, not of {}", options_.root,
                              inst.record().product_id, options_.catalog));
  }
  int applied = 0;
  if (inst.record().pending) {
    LICET_ASSIGN_OR_RETURN(const client::RestartResult result, client::Restart(inst));
    applied = static_cast<int>(result.applied.size());
  }
  if (watching_.load(std::memory_order_acquire)) {
    (void)Reload(/*at_start=*/false, ClockNow());  // do not wait for the watcher to see the restart
  } else {
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  return applied;
}

void LicenseChecker::StartWatcher() {
  inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) return;  // no inotify: every check stats store.json instead
  if (::inotify_add_watch(inotify_fd_, options_.root.c_str(),
                          IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE) <
      0) {
    ::close(inotify_fd_);
    inotify_fd_ = -1;
    return;
  }
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (stop_fd_ < 0) return;
  // The watcher takes no signals: they belong to the application's threads.
  sigset_t all;
  sigset_t previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  watcher_ = std::thread([this] {
    WritePendingObservations();
    WatchLoop();
  });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  watching_.store(true, std::memory_order_release);
}

void LicenseChecker::WatchLoop() {
  static constexpr std::array<std::string_view, 3> kWatched = {"store.json", "observed.json",
                                                               "lab-hardware.json"};
  // Open trusted this boot's hardware as observed.json recorded it, and the store may have changed
  // before the watch began: read everything now. (Failures are kept for the checks to report.)
  (void)Reload(/*at_start=*/false, ClockNow());
  const auto period_ms = static_cast<int>(
      std::min<std::int64_t>(options_.recheck.count(), std::int64_t{24} * 3600) * 1000);
  for (;;) {
    pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    // Without events, it wakes up every `recheck` to re-read the hardware and the trusted time.
    const int n = ::poll(fds, 2, period_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || (fds[1].revents & POLLIN) != 0) return;
    bool relevant = n == 0;  // the periodic wake-up
    if ((fds[0].revents & POLLIN) != 0) {
      alignas(inotify_event) char buf[4096];
      for (;;) {
        const ssize_t len = ::read(inotify_fd_, buf, sizeof buf);
        if (len <= 0) break;
        for (ssize_t at = 0; at < len;) {
          const auto* e = reinterpret_cast<const inotify_event*>(buf + at);
          const std::string_view name = e->len > 0 ? std::string_view(e->name) : "";
          if ((e->mask & IN_Q_OVERFLOW) != 0 ||
              std::find(kWatched.begin(), kWatched.end(), name) != kWatched.end()) {
            relevant = true;
          }
          at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
        }
      }
    }
    if (relevant) (void)Reload(/*at_start=*/false, ClockNow());
  }
}

}  // namespace licet::engine
