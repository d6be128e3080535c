#include "installation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "catalog_locator.h"
#include "hardware_probe.h"
#include "licet/core/atomic_file.h"
#include "licet/core/catalog_signature.h"
#include "licet/core/encoding.h"
#include "store_seal.h"

namespace licet::client {
namespace fs = std::filesystem;

namespace {

Status CheckFeatures(const Catalog& catalog, const Edition& edition,
                     std::vector<std::string>& features) {
  for (std::string& f : features) {
    const Feature* feature = catalog.FindFeature(f);
    if (feature == nullptr) {
      std::string known;
      for (const Feature& k : catalog.features()) known += (known.empty() ? "" : ", ") + k.id;
      return Status(
          ErrorCode::kFeatureNotAllowed,
          fmt::format("{} has no feature '{}' (features: {})", catalog.product().name, f, known));
    }
    f = feature->id;  // canonical spelling
    if (std::find(edition.features.begin(), edition.features.end(), f) == edition.features.end()) {
      return Status(ErrorCode::kFeatureNotAllowed,
                    fmt::format("{} is not available in {} ({})", f, edition.id, edition.name));
    }
  }
  std::sort(features.begin(), features.end());
  features.erase(std::unique(features.begin(), features.end()), features.end());
  return OkStatus();
}

StatusOr<Catalog> LoadInstallCatalog(const InstallOptions& options, std::string* text) {
  LICET_ASSIGN_OR_RETURN(CatalogSource source, LocateCatalog(options.catalog));
  *text = source.text;
  return LoadCatalogTrusting(source, options.trust_keys);
}

}  // namespace

std::string DefaultRoot(const std::string& root_flag) {
  if (!root_flag.empty()) return root_flag;
  if (const char* env = std::getenv("LICET_ROOT"); env != nullptr && *env != '\0') return env;
  return "/var/lib/licet";
}

fs::path ImageStoreRoot(const fs::path& image_dir) { return image_dir / "var" / "lib" / "licet"; }

StatusOr<Installation> Installation::Create(const InstallOptions& options, const Clock& clock) {
  std::string catalog_text;
  LICET_ASSIGN_OR_RETURN(Catalog catalog, LoadInstallCatalog(options, &catalog_text));
  const Edition* edition = catalog.FindEdition(options.edition);
  if (edition == nullptr) {
    std::string known;
    for (const Edition& e : catalog.editions()) known += (known.empty() ? "" : ", ") + e.id;
    return Status(ErrorCode::kUnknownEdition,
                  fmt::format("{} has no edition '{}' (editions: {})", catalog.product().name,
                              options.edition, known));
  }
  std::vector<std::string> features = options.features;
  LICET_RETURN_IF_ERROR(CheckFeatures(catalog, *edition, features));

  LICET_RETURN_IF_ERROR(EnsureDirectory(options.root));
  LICET_ASSIGN_OR_RETURN(FileLock lock,
                         FileLock::Acquire(options.root / ".lock", LockMode::kExclusive));
  if (fs::exists(options.root / "store.json") && !options.force) {
    return Status(ErrorCode::kAlreadyInstalled,
                  fmt::format("{} already holds an installation", options.root.string()));
  }
  const TimePoint now = clock.Now();
  InstallRecord r;
  r.product_id = catalog.product().id;
  r.vendor_key_id = catalog.vendor().key_id;
  r.vendor_public_key = Base64Encode(catalog.vendor().public_key);
  r.cmid = RandomUuid();
  r.installed_at = r.evaluation_started_at = r.grace_started_at = r.trusted_time = now;
  r.edition = edition->id;
  r.features = std::move(features);
  r.rearm_remaining = catalog.policy().rearm_count;
  const std::string catalog_digest = ContentDigest(catalog_text);
  r.profile = MakeCatalogProfile(catalog, *edition, catalog_digest);

  // The catalog first, then the record: a store.json never exists without its catalog.
  LICET_RETURN_IF_ERROR(WriteFileAtomically(options.root / "catalog.toml", catalog_text));
  if (options.force) {
    std::error_code ec;
    fs::remove(options.root / "events.jsonl", ec);
    fs::remove_all(options.root / "backups", ec);
  }
  std::error_code ec;
  std::filesystem::remove(ObservationsPath(options.root), ec);
  Installation inst(options.root, std::move(catalog), std::move(r), clock, std::move(lock),
                    /*seal_matches=*/true, catalog_digest);
  LICET_RETURN_IF_ERROR(inst.Save());
  LICET_RETURN_IF_ERROR(
      inst.Log(event_id::kInstalled, EventLevel::kInformation,
               fmt::format("Installed {} ({})", inst.edition().name, inst.edition().id),
               std::nullopt, {{"cmid", inst.record().cmid}}));
  return inst;
}

StatusOr<Installation> Installation::Open(const fs::path& root, Access access, const Clock& clock) {
  if (!fs::exists(root / "store.json")) {
    return Status(
        ErrorCode::kNotInstalled, fmt::format("no Licet installation at {}", root.string()),
        fmt::format(
            "licet install --catalog windows-server-2022 --edition ServerStandardEval --root {}",
            root.string()));
  }
  std::optional<FileLock> lock;
  if (access == Access::kReadWrite) {
    LICET_ASSIGN_OR_RETURN(FileLock l, FileLock::Acquire(root / ".lock", LockMode::kExclusive));
    lock.emplace(std::move(l));
  }
  LICET_ASSIGN_OR_RETURN(std::string store_text, ReadWholeFile(root / "store.json"));
  LICET_ASSIGN_OR_RETURN(InstallRecord record,
                         ParseRecord(store_text, (root / "store.json").string()));
  StatusOr<std::string> catalog_text = ReadWholeFile(root / "catalog.toml");
  if (!catalog_text.ok()) {
    return Status(ErrorCode::kStoreCorrupt, fmt::format("the installation's catalog is missing: {}",
                                                        catalog_text.status().message()));
  }
  // The catalog must still verify under the key pinned at install time.
  std::optional<std::vector<std::uint8_t>> pinned = Base64Decode(record.vendor_public_key);
  TrustedKey key{.key_id = record.vendor_key_id, .public_key = {}};
  if (!pinned || pinned->size() != key.public_key.size()) {
    return Status(ErrorCode::kStoreCorrupt, "store.json holds no valid vendor key");
  }
  std::copy(pinned->begin(), pinned->end(), key.public_key.begin());
  LICET_ASSIGN_OR_RETURN(
      Catalog catalog,
      LoadSignedCatalog(*catalog_text, (root / "catalog.toml").string(), {&key, 1}));
  if (catalog.product().id != record.product_id || catalog.FindEdition(record.edition) == nullptr) {
    return Status(ErrorCode::kStoreCorrupt,
                  fmt::format("store.json (product {}, edition {}) does not match its catalog ({})",
                              record.product_id, record.edition, catalog.product().id));
  }
  const bool sealed =
      StoreSealMatches(store_text, record.seal, record.cmid, record.vendor_public_key);
  std::string digest = ContentDigest(*catalog_text);
  return Installation(root, std::move(catalog), std::move(record), clock, std::move(lock), sealed,
                      std::move(digest));
}

Installation::Installation(std::filesystem::path root, Catalog catalog, InstallRecord record,
                           const Clock& clock, std::optional<FileLock> lock, bool seal_matches,
                           std::string catalog_digest)
    : root_(std::move(root)),
      catalog_(std::move(catalog)),
      record_(std::move(record)),
      clock_(&clock),
      lock_(std::move(lock)),
      seal_matches_(seal_matches),
      catalog_digest_(std::move(catalog_digest)) {
  Refresh();
}

void Installation::Refresh() {
  hardware_ = CurrentHardware(root_, catalog_.product().lab);
  observations_ = ReadObservations(root_);
  integrity_ = CheckIntegrity(Subject(), hardware_);
}

IntegritySubject Installation::Subject() const {
  return IntegritySubject{.record = &record_,
                          .seal_matches = seal_matches_,
                          .product_id = catalog_.product().id,
                          .vendor_public_key = catalog_.vendor().public_key,
                          .phone_public_key = catalog_.vendor().phone_public_key};
}

FactsInput Installation::Input() const {
  return FactsInput{.record = &record_,
                    .evaluation_edition = edition().evaluation,
                    .integrity = &integrity_,
                    .observations = &observations_,
                    .clock_now = ClockNow()};
}

const Edition& Installation::edition() const {
  const Edition* e = catalog_.FindEdition(record_.edition);
  LICET_CHECK(e != nullptr, "edition checked at open and on every change");
  return *e;
}

TimePoint Installation::ClockNow() const {
  return clock_->Now() + Seconds(record_.lab_clock_offset_seconds);
}

TimePoint Installation::Now() const { return LicensingNow(Input()); }

TimePoint Installation::TrustedTime() const { return client::TrustedTime(Input()); }

LicenseFacts Installation::Facts() const { return BuildLicenseFacts(Input()); }

Status Installation::Save() {
  LICET_CHECK(lock_.has_value(), "Save() on an installation opened read-only");
  if (!seal_matches_) {
    return Status(ErrorCode::kStoreTampered,
                  fmt::format("{} was changed outside Licet; it is not written over, so the edit "
                              "cannot be made to look genuine",
                              store_path().string()),
                  fmt::format("licet backup list --root {0}, then licet backup restore ID --root "
                              "{0} (or reinstall: licet install ... --force)",
                              root_.string()));
  }
  const TimePoint now = Now();
  record_.trusted_time = now;
  record_.profile = MakeCatalogProfile(catalog_, edition(), catalog_digest_);
  LICET_RETURN_IF_ERROR(
      WriteFileAtomically(store_path(), SerializeRecord(record_), FileMode::kOwnerOnly));
  integrity_ = CheckIntegrity(Subject(), hardware_);
  const Observations updated = UpdatedObservations(Input(), now);
  LICET_RETURN_IF_ERROR(WriteObservations(root_, updated));
  observations_ = updated;
  return OkStatus();
}

Status Installation::ResetTrustedTimeForLab() {
  record_.trusted_time = TimePoint{};
  observations_.trusted_time = TimePoint{};
  return Save();
}

Status Installation::Log(int id, EventLevel level, std::string message,
                         std::optional<ErrorCode> code, std::map<std::string, std::string> data) {
  LICET_CHECK(lock_.has_value(), "Log() on an installation opened read-only");
  return AppendEvent(events_path(), Event{.time = Now(),
                                          .id = id,
                                          .level = level,
                                          .message = std::move(message),
                                          .code = code,
                                          .data = std::move(data)});
}

Status Installation::NoteForcedShutdownIfDue() {
  const LicenseState state = State();
  if (state.enforcement != Enforcement::kForcedShutdown || !state.evaluation_end) return OkStatus();
  const TimePoint now = Now();
  if (record_.last_shutdown_notice_at &&
      now - *record_.last_shutdown_notice_at < state.shutdown_interval) {
    return OkStatus();
  }
  record_.last_shutdown_notice_at = now;
  LICET_RETURN_IF_ERROR(
      Log(event_id::kEvaluationExpiredShutdown, EventLevel::kWarning,
          fmt::format("The evaluation period of {} has expired. The system will shut down "
                      "every {} minutes.",
                      edition().name, state.shutdown_interval.count() / 60),
          state.reason));
  return Save();
}

}  // namespace licet::client
