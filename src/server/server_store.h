// The activation server's durable state, behind an interface so that nothing above it is specific
// to SQLite (a PostgreSQL backend implements the same contract for several stateless nodes).
// Contract for every implementation: an activation is acknowledged only once committed durably; a
// key's activation count never exceeds its limit, whatever the concurrency; re-sending the same
// request (same CMID and nonce) returns the same token without using a count.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "licet/core/channel.h"
#include "licet/core/clock.h"
#include "licet/core/key_minter.h"
#include "licet/core/status.h"

namespace licet::server {

/// What the keys of one issuance share.
struct KeyIssue {
  std::uint32_t group = 0;
  std::string activation_id;
  Channel channel = Channel::kRetail;
  std::uint32_t max_activations = 1;  // distinct machines (MAK count; a host key's hosts)
  std::uint32_t max_total =
      0;  // all activations, re-activations included; 0 = no limit (host keys: 10)
};

struct KeyInfo {
  std::string key;  // canonical, dashed
  std::uint32_t serial = 0;
  KeyIssue issue;
  std::uint32_t used = 0;   // distinct machines
  std::uint32_t total = 0;  // activations, re-activations included
  bool blocked = false;
  std::uint32_t released = 0;  // machines an administrator released (ReleaseMachine)
  /// Hardware IDs that activated it, in the order of their first activation: all of them, or the
  /// first of them up to the number GetKey was asked for, and then `machines_truncated` is set.
  std::vector<std::string> machines;
  bool machines_truncated = false;
};

/// What ReleaseMachine freed.
struct ReleasedMachine {
  std::string hardware_id;
  std::uint32_t activations = 0;  // activations removed: the machine's CMIDs and re-activations
  std::uint32_t used = 0;         // the key's machines after the release
  std::uint32_t limit = 0;
};

struct ActivationRow {
  /// Its place in arrival order, never given to another activation, even once this one is
  /// released: the cursor a listing resumes after (VisitActivations' `after`).
  std::int64_t seq = 0;
  std::string cmid;
  std::string hardware_id;
  std::string created_at;
};

struct ActivationAttempt {
  std::string key;
  std::string cmid;
  std::string hardware_id;
  std::string nonce;
  TimePoint now{};
};

struct ActivationOutcome {
  std::string token;
  bool replayed = false;   // the same (CMID, nonce) was seen before: stored token returned
  bool reused = false;     // this machine had activated the key before: no count used
  std::uint32_t used = 0;  // activations used after this one
  std::uint32_t limit = 0;
};

enum class AdminRole { kAdmin, kSupport };

struct ServerStats {
  std::uint64_t keys = 0;
  std::uint64_t blocked_keys = 0;
  std::uint64_t activations = 0;
};

/// The durable write path's work since the store opened (/metrics).
struct DurableWriteStats {
  std::uint64_t batches = 0;      // transactions of activations committed together
  std::uint64_t activations = 0;  // activations written in them
  std::uint64_t syncs = 0;        // waits for the disk to confirm the log
  double sync_seconds = 0;        // time spent in them
};

class ServerStore {
 public:
  virtual ~ServerStore() = default;

  /// Adds keys in one durable transaction; fastest in text order (SortByText). Errors:
  /// kAlreadyInstalled if a key exists, kIoError.
  [[nodiscard]] virtual Status AddKeys(const KeyIssue& issue, std::span<const MintedKey> keys) = 0;
  /// The next unused serial in `group`.
  [[nodiscard]] virtual StatusOr<std::uint32_t> NextSerial(std::uint32_t group) = 0;
  /// The key's counts and at most `max_machines` of its machines (KeyInfo::machines), of one
  /// moment; activations do not wait for it. With 0, no machine is read, and machines_truncated
  /// says whether the key has any. Errors: kNotFound, kIoError.
  [[nodiscard]] virtual StatusOr<KeyInfo> GetKey(const std::string& key,
                                                 std::size_t max_machines) = 0;
  /// Errors: kNotFound.
  [[nodiscard]] virtual Status BlockKey(const std::string& key) = 0;
  /// Gives a key back the count a machine holds (a machine that died, a transfer): removes the
  /// machine's activations, the machine named by its hardware ID or by one of its CMIDs. `total`
  /// keeps counting them (a host key's 10 activations stay 10). The machine's token keeps working
  /// offline; activating it again uses a new count. Durable when it returns. Errors: kNotFound
  /// (unknown key, or no activation of it by that machine), kIoError.
  [[nodiscard]] virtual StatusOr<ReleasedMachine> ReleaseMachine(const std::string& key,
                                                                 const std::string& machine) = 0;
  /// Returns whether to go on: false stops the visit.
  using ActivationVisitor = std::function<bool(ActivationRow)>;
  /// Shows `visit` a key's activations whose `seq` is greater than `after` (0: all of them),
  /// oldest first, until it returns false. They are those of one moment, read beside the
  /// activations being recorded, which neither wait for the visit nor appear in it. Errors:
  /// kNotFound for an unknown key, kIoError.
  [[nodiscard]] virtual Status VisitActivations(const std::string& key, std::int64_t after,
                                                const ActivationVisitor& visit) = 0;
  /// A key's activations after `after`, oldest first (at most `limit`): VisitActivations,
  /// collected. Errors: kNotFound for an unknown key, kIoError.
  [[nodiscard]] StatusOr<std::vector<ActivationRow>> ListActivations(const std::string& key,
                                                                     std::size_t limit,
                                                                     std::int64_t after = 0);
  /// One page of a key's activations: ListActivations, and where the next page starts.
  struct ActivationPage {
    std::vector<ActivationRow> rows;
    std::optional<std::int64_t> next_after;  // set while more activations follow
  };
  /// At most `limit` activations after `after`; one row more is read to tell whether another page
  /// follows. Errors: kNotFound for an unknown key, kIoError.
  [[nodiscard]] StatusOr<ActivationPage> ListActivationPage(const std::string& key,
                                                            std::size_t limit, std::int64_t after);

  using ActivationCallback = std::function<void(StatusOr<ActivationOutcome>)>;

  /// Records an activation atomically (see the file comment) and calls `done`, on another thread,
  /// once the outcome is durable. `token` is the signed answer for a new activation (signed by the
  /// caller, in parallel with other requests); a replay returns the stored one. Errors: kKeyBlocked
  /// (unknown or blocked key), kMakLimitExceeded / kUnlockLimitExceeded (no count left), kIoError.
  virtual void RecordActivationAsync(ActivationAttempt attempt, std::string token,
                                     ActivationCallback done) = 0;

  /// RecordActivationAsync, waiting for the outcome.
  [[nodiscard]] StatusOr<ActivationOutcome> RecordActivation(const ActivationAttempt& attempt,
                                                             std::string token);

  /// Returns the new token's secret text (stored hashed). Errors: kIoError.
  [[nodiscard]] virtual StatusOr<std::string> CreateAdminToken(AdminRole role, TimePoint now) = 0;
  /// Errors: kUnauthorized for an unknown token.
  [[nodiscard]] virtual StatusOr<AdminRole> CheckAdminToken(const std::string& token) = 0;

  [[nodiscard]] virtual StatusOr<ServerStats> Stats() = 0;

  /// OK while the store can make writes durable; once a sync of its log failed, that error (the
  /// store then refuses every write until it is reopened). Cheap: /healthz calls it.
  [[nodiscard]] virtual Status Health() const = 0;

  /// Counters of the durable write path. Cheap: /metrics calls it.
  [[nodiscard]] virtual DurableWriteStats WriteStats() const = 0;
};

/// Opens (creating and migrating) the SQLite store at `path`, in WAL mode with synchronous=FULL.
/// Errors: kIoError.
[[nodiscard]] StatusOr<std::unique_ptr<ServerStore>> OpenSqliteStore(const std::string& path);

[[nodiscard]] std::string_view AdminRoleName(AdminRole role);

}  // namespace licet::server
