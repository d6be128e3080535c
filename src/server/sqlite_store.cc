// ServerStore on SQLite: one file, WAL mode, synchronous=FULL (a commit is on disk before it
// returns, except the group commit's, which a syncer thread confirms before anyone is answered),
// one writer connection guarded by a mutex (SQLite serialises writers anyway), BEGIN IMMEDIATE for
// every read-modify-write so two activations never race on a count, and a second connection for
// the admin reads, which would otherwise hold up activations (sqlite_reader.h). Schema versions in
// PRAGMA user_version.
#include <fmt/format.h>
#include <sodium.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "activation_tags.h"
#include "coalescing_vfs.h"
#include "group_commit.h"
#include "licet/core/encoding.h"
#include "licet/core/paseto.h"
#include "licet/core/quote.h"
#include "machine_index.h"
#include "server_store.h"
#include "sqlite_key_reads.h"
#include "sqlite_reader.h"
#include "sqlite_schema.h"
#include "sqlite_statement.h"

namespace licet::server {
namespace {

std::string TokenHash(const std::string& token) { return ContentDigest(token); }

// Checkpoint once the WAL holds this many frames (pages; 40 MB). Ten times SQLite's default: a
// busy key's pages are rewritten by every commit, and a longer WAL copies each of them once per
// checkpoint instead of ten times (the commit thread's time per activation: 56 -> 43 us).
constexpr int kCheckpointFrames = 10000;

// Page cache sizes (KiB). When a commit rebalanced a B-tree (most batches do), SQLite 3.40 ends
// it by scanning its page cache's whole hash table: balance_nonroot swaps page numbers through
// page 262145 (the lock-byte page), and the commit's pcache1Truncate then finds a page past the
// end of the file. The scan grows with the cache, so serving keeps it small; a bulk insert of keys,
// one transaction of many pages, gets a large one. Commit thread per activation, 8-second runs in
// alternation: 37.0-42.4 us with 64 MiB, 32.7-38.5 us with 8 MiB (bench/RESULTS.md).
constexpr int kServingCacheKib = 8 * 1024;
constexpr int kBulkCacheKib = 64 * 1024;

class SqliteStore final : public ServerStore {
 public:
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  ~SqliteStore() override {
    StopWriters();
    reader_.reset();
    cache_.clear();  // finalize statements before closing
    sqlite3_close(db_);
  }

  Status Migrate() {
    size_t current = 0;
    {  // finalised before the migrations: an open statement would lock the tables they drop
      Stmt version(db_, "PRAGMA user_version");
      if (version.Step() != SQLITE_ROW) return Error("reading the schema version");
      current = static_cast<size_t>(version.Int(0));
    }
    if (current > std::size(kSqliteMigrations)) {  // its tables are not what this build reads
      return Status(
          ErrorCode::kIoError,
          fmt::format("{} is at schema version {}, written by a newer licet-server; this one reads "
                      "versions up to {}",
                      sqlite3_db_filename(db_, "main"), current, std::size(kSqliteMigrations)),
          "Run the licet-server release that wrote it (stores are never migrated back)");
    }
    // Only a store an earlier licet-server wrote says so; a new one is made silently.
    const bool upgrade = current > 0 && current < std::size(kSqliteMigrations);
    const auto began = std::chrono::steady_clock::now();
    if (upgrade) {
      fmt::print(stderr,
                 "licet-server: updating {} from schema version {} to {} (once; a large store "
                 "takes a while)\n",
                 sqlite3_db_filename(db_, "main"), current, std::size(kSqliteMigrations));
    }
    for (size_t v = current; v < std::size(kSqliteMigrations); ++v) {
      LICET_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
      Status s = Exec(kSqliteMigrations[v]);
      if (s.ok()) s = Exec(fmt::format("PRAGMA user_version = {}", v + 1).c_str());
      if (!s.ok()) {
        (void)Exec("ROLLBACK");
        return s;
      }
      LICET_RETURN_IF_ERROR(Exec("COMMIT"));
    }
    if (upgrade) {
      fmt::print(stderr, "licet-server: schema version {} reached in {:.1f} s\n",
                 std::size(kSqliteMigrations),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
    }
    return LoadTags();
  }

  // The key of the activations index's tags (schema version 5).
  Status LoadTags() {
    Stmt q(db_, "SELECT value FROM store_secrets WHERE name = 'activation-tags'");
    ActivationTags::Secret secret;
    if (q.Step() != SQLITE_ROW || q.Blob(0).size() != secret.size()) {
      return Status(ErrorCode::kIoError,
                    fmt::format("{} has no activation-tags secret of 16 bytes",
                                sqlite3_db_filename(db_, "main")),
                    "Restore the data directory from a backup");
    }
    std::memcpy(secret.data(), q.Blob(0).data(), secret.size());
    tags_.emplace(secret);
    return OkStatus();
  }

  Status AddKeys(const KeyIssue& issue, std::span<const MintedKey> keys) override {
    std::lock_guard lock(mu_);
    LICET_RETURN_IF_ERROR(SetCacheKib(kBulkCacheKib));
    const Status added = AddKeysLocked(issue, keys);
    const Status restored = SetCacheKib(kServingCacheKib);
    return added.ok() ? restored : added;
  }

  /// The connection's page cache, in KiB.
  Status SetCacheKib(int kib) { return Exec(fmt::format("PRAGMA cache_size = -{}", kib).c_str()); }

  StatusOr<std::uint32_t> NextSerial(std::uint32_t group) override {
    std::lock_guard lock(mu_);
    Stmt q(db_, "SELECT COALESCE(MAX(serial) + 1, 1) FROM keys WHERE grp = ?");
    q.Bind(1, group);
    if (q.Step() != SQLITE_ROW) return Error("reading serials");
    return static_cast<std::uint32_t>(q.Int(0));
  }

  // The admin reads go through reader_: they never wait for the writer's mutex, nor it for them.
  StatusOr<KeyInfo> GetKey(const std::string& key, std::size_t max_machines) override {
    std::optional<KeyInfo> info;
    LICET_RETURN_IF_ERROR(reader_->InSnapshot([&](sqlite3* db) -> Status {
      LICET_ASSIGN_OR_RETURN(info, ReadKey(db, *tags_, key, max_machines));
      return OkStatus();
    }));
    return std::move(*info);
  }

  Status BlockKey(const std::string& key) override {
    std::lock_guard lock(mu_);
    Stmt q(db_, "UPDATE keys SET blocked = 1 WHERE key = ?");
    q.Bind(1, key);
    if (q.Step() != SQLITE_DONE) return Error("blocking a key");
    if (sqlite3_changes(db_) == 0) return KeyNotIssued(key);
    return OkStatus();
  }

  StatusOr<ReleasedMachine> ReleaseMachine(const std::string& key,
                                           const std::string& machine) override {
    std::lock_guard lock(mu_);
    LICET_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    std::vector<std::int64_t> removed;
    StatusOr<ReleasedMachine> released = ReleaseLocked(key, machine, removed);
    Status ended = released.ok() ? Exec("COMMIT") : released.status();
    if (!ended.ok()) {
      (void)Exec("ROLLBACK");
      return ended;
    }
    // Only once the rows are gone for good: an entry missing while its row stays would let the
    // machine take a second count.
    const std::int64_t key_tag = tags_->Key(key);
    const std::int64_t machine_tag = tags_->Machine(released->hardware_id);
    for (const std::int64_t seq : removed) machines_.Remove(key_tag, machine_tag, seq);
    return released;
  }

  Status VisitActivations(const std::string& key, std::int64_t after,
                          const ActivationVisitor& visit) override {
    return reader_->InSnapshot([&](sqlite3* db) {
      LICET_RETURN_IF_ERROR(CheckKeyIssued(db, key));
      return VisitKeyActivations(db, *tags_, key, after, visit);
    });
  }

  DurableWriteStats WriteStats() const override { return writers_->stats(); }

  // Queued for the group commit (group_commit.h), answered once durable.
  void RecordActivationAsync(ActivationAttempt attempt, std::string token,
                             ActivationCallback done) override {
    writers_->Enqueue(
        {.attempt = std::move(attempt), .token = std::move(token), .done = std::move(done)});
  }

  // The admin reads' connection, opened once the schema is current.
  Status OpenReader() {
    LICET_ASSIGN_OR_RETURN(reader_, SqliteReader::Open(sqlite3_db_filename(db_, "main")));
    return OkStatus();
  }

  Status StartWriters() {
    LICET_ASSIGN_OR_RETURN(wal_sync_, WalSync::Attach(db_, kCheckpointFrames));
    writers_ = std::make_unique<GroupCommit>(
        [this](std::vector<Pending>& batch) { return CommitBatch(batch); },
        [this] { return wal_sync_->Sync(); }, [this](const Status& why) { MarkDiskFailed(why); });
    return OkStatus();
  }

  void StopWriters() {
    writers_.reset();  // answers what is queued first
    wal_sync_.reset();
  }

  StatusOr<std::string> CreateAdminToken(AdminRole role, TimePoint now) override {
    std::uint8_t secret[32];
    randombytes_buf(secret, sizeof secret);
    const std::string token = "lct_" + paseto::Base64UrlEncode(std::string_view(
                                           reinterpret_cast<const char*>(secret), sizeof secret));
    std::lock_guard lock(mu_);
    Stmt q(db_, "INSERT INTO admin_tokens (hash, role, created_at) VALUES (?,?,?)");
    q.Bind(1, TokenHash(token))
        .Bind(2, std::string(AdminRoleName(role)))
        .Bind(3, FormatIso8601(now));
    if (q.Step() != SQLITE_DONE) return Error("storing an admin token");
    return token;
  }

  StatusOr<AdminRole> CheckAdminToken(const std::string& token) override {
    AdminRole role = AdminRole::kSupport;
    LICET_RETURN_IF_ERROR(reader_->InSnapshot([&](sqlite3* db) {
      Stmt q(db, "SELECT role FROM admin_tokens WHERE hash = ?");
      q.Bind(1, TokenHash(token));
      const int rc = q.Step();
      if (rc == SQLITE_DONE) {
        return Status(ErrorCode::kUnauthorized, "the bearer token is not known to this server");
      }
      if (rc != SQLITE_ROW) return SqliteError(db, "checking a bearer token");
      role = q.Text(0) == "admin" ? AdminRole::kAdmin : AdminRole::kSupport;
      return OkStatus();
    }));
    return role;
  }

  Status Health() const override {
    if (!disk_failed_.load(std::memory_order_acquire)) return OkStatus();
    std::lock_guard lock(failure_mu_);
    return disk_failure_;
  }

  // Counts every row of two tables: a large store takes a while, on the reader. The activations
  // are counted by their tags, one short row each, rather than their ~700-byte rows (20 times
  // faster on a store of 440,000).
  StatusOr<ServerStats> Stats() override {
    ServerStats stats;
    LICET_RETURN_IF_ERROR(reader_->InSnapshot([&](sqlite3* db) {
      Stmt q(db,
             "SELECT (SELECT COUNT(*) FROM keys), (SELECT COUNT(*) FROM keys WHERE blocked), "
             "(SELECT COUNT(*) FROM activation_machines)");
      if (q.Step() != SQLITE_ROW) return SqliteError(db, "reading statistics");
      stats = ServerStats{.keys = static_cast<std::uint64_t>(q.Int(0)),
                          .blocked_keys = static_cast<std::uint64_t>(q.Int(1)),
                          .activations = static_cast<std::uint64_t>(q.Int(2))};
      return OkStatus();
    }));
    return stats;
  }

 private:
  // AddKeys in one transaction. Caller holds mu_.
  Status AddKeysLocked(const KeyIssue& issue, std::span<const MintedKey> keys) {
    LICET_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    Stmt insert(
        db_,
        "INSERT INTO keys (key, grp, serial, activation_id, channel, max_activations, max_total) "
        "VALUES (?,?,?,?,?,?,?)");
    // What the keys share is bound once: a reset keeps the bindings.
    insert.Bind(2, issue.group).Bind(4, issue.activation_id);
    insert.Bind(5, std::string(ChannelName(issue.channel)))
        .Bind(6, issue.max_activations)
        .Bind(7, issue.max_total);
    for (const MintedKey& k : keys) {
      insert.BindStatic(1, k.text_view()).Bind(3, k.serial);
      const int rc = insert.Step();
      insert.Rewind();
      if (rc != SQLITE_DONE) {
        (void)Exec("ROLLBACK");
        return rc == SQLITE_CONSTRAINT ? Status(ErrorCode::kAlreadyInstalled,
                                                fmt::format("key {} already exists", k.text_view()))
                                       : Error("inserting keys");
      }
    }
    return Exec("COMMIT");
  }

  // ReleaseMachine's writes, inside its transaction; the seqs it deleted in `removed`. Caller
  // holds mu_. Its statements are finalised on return, before the COMMIT.
  StatusOr<ReleasedMachine> ReleaseLocked(const std::string& key, const std::string& machine,
                                          std::vector<std::int64_t>& removed) {
    LICET_RETURN_IF_ERROR(CheckKeyIssued(db_, key));
    // `machine` is a hardware ID, or a CMID, which names the machine it was activated on (found
    // among the key's activations).
    std::optional<std::string> hardware_id;
    LICET_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs,
                           MachineActivationSeqs(db_, *tags_, key, machine));
    if (!seqs.empty()) {
      hardware_id = machine;
    } else {
      LICET_RETURN_IF_ERROR(VisitKeyActivations(db_, *tags_, key, 0, [&](ActivationRow row) {
        if (row.cmid == machine) hardware_id = std::move(row.hardware_id);
        return !hardware_id;
      }));
      if (hardware_id) {
        LICET_ASSIGN_OR_RETURN(seqs, MachineActivationSeqs(db_, *tags_, key, *hardware_id));
      }
    }
    if (!hardware_id) {
      return Status(
          ErrorCode::kNotFound,
          fmt::format("no machine with the hardware ID or CMID {} has activated {}",
                      QuoteInput(machine), key),
          fmt::format("List the key's machines: licet-server keys show --data DIR {}", key));
    }
    ReleasedMachine released{.hardware_id = std::move(*hardware_id)};
    const std::int64_t key_tag = tags_->Key(key);
    Stmt remove_row(db_, "DELETE FROM activations WHERE rowid = ?");
    Stmt remove_tags(db_, "DELETE FROM activation_machines WHERE key_tag = ? AND seq = ?");
    for (const std::int64_t seq : seqs) {
      remove_row.Reset();
      remove_row.Bind(1, seq);
      remove_tags.Reset();
      remove_tags.Bind(1, key_tag).Bind(2, seq);
      if (remove_row.Step() != SQLITE_DONE || remove_tags.Step() != SQLITE_DONE) {
        return Error("releasing a machine");
      }
      ++released.activations;
    }
    const std::int64_t last_seq = seqs.back();  // oldest first
    removed = std::move(seqs);
    // Its seqs are never given again (SeqMarks::FirstNew).
    Stmt high(db_,
              "INSERT INTO store_counters VALUES ('released-activation-seq', ?) ON CONFLICT (name) "
              "DO UPDATE SET value = MAX(value, excluded.value)");
    high.Bind(1, last_seq);
    if (high.Step() != SQLITE_DONE) return Error("releasing a machine");
    Stmt count(db_,
               "UPDATE keys SET used = MAX(used - 1, 0), released = released + 1 WHERE key = ? "
               "RETURNING used, max_activations");
    count.Bind(1, key);
    if (count.Step() != SQLITE_ROW) return Error("releasing a machine");
    released.used = static_cast<std::uint32_t>(count.Int(0));
    released.limit = static_cast<std::uint32_t>(count.Int(1));
    return released;
  }

  using Pending = GroupCommit::Pending;

  // Runs the batch in one transaction and commits it without waiting for the disk. Returns
  // whether it committed (the results then wait for a sync); otherwise every result is an error.
  bool CommitBatch(std::vector<Pending>& batch) {
    std::lock_guard lock(mu_);
    if (disk_failed_.load(std::memory_order_acquire)) {
      for (Pending& p : batch) {
        p.result = Status(ErrorCode::kIoError,
                          "an earlier write of the activation log failed to reach the disk",
                          "Check the disk, then restart licet-server");
      }
      return false;
    }
    if (const Status begin = Run("BEGIN IMMEDIATE"); !begin.ok()) {
      for (Pending& p : batch) p.result = begin;
      return false;
    }
    const StatusOr<SeqMarks> marks = ReadSeqMarks();
    const Status ready = marks.ok() ? CatchUpMachines(marks->newest_stored) : marks.status();
    if (!ready.ok()) {
      (void)Run("ROLLBACK");
      for (Pending& p : batch) p.result = ready;
      return false;
    }
    // No savepoints: RecordLocked writes only after every check passed (see there). A key's
    // counts are read once per batch, kept here, and written back once after its last activation.
    std::unordered_map<std::string, KeyCounts> keys;
    std::int64_t seq = marks->FirstNew();
    batch_added_.clear();
    batch_broken_ = OkStatus();
    for (Pending& p : batch) p.result = RecordLocked(p.attempt, p.token, keys, seq);
    if (batch_broken_.ok() && !WriteBackCounts(keys)) {
      batch_broken_ = Error("counting an activation");
    }
    if (!batch_broken_.ok()) {
      (void)Run("ROLLBACK");
      ForgetBatchMachines();
      for (Pending& p : batch) p.result = batch_broken_;
      return false;
    }
    for (auto& [sql, stmt] : cache_) stmt->Reset();  // no statement in progress at COMMIT
    wal_sync_->SetDeferred(true);
    const Status commit = Run("COMMIT");
    wal_sync_->SetDeferred(false);
    if (!commit.ok()) {
      // A sync SQLite made itself (the WAL's first, a checkpoint's) failed: after a failed sync
      // the kernel may have dropped the pages it could not write, so no later sync can be trusted.
      const int code = sqlite3_extended_errcode(db_);
      if (code == SQLITE_IOERR_FSYNC || code == SQLITE_IOERR_DIR_FSYNC) MarkDiskFailed(commit);
      (void)Run("ROLLBACK");
      ForgetBatchMachines();
      for (Pending& p : batch) p.result = commit;  // nothing of this batch is acknowledged
      return false;
    }
    if (!batch_added_.empty()) machines_through_ = batch_added_.back().seq;
    return true;
  }

  // Makes machines_ hold every stored activation, the newest being `newest_seq`: at the first
  // batch (a store that already holds activations is read whole: ~0.3 s a million, a one-off), and
  // again should another process have stored activations since (a seq past the last this writer
  // knows; seqs only grow). In the batch's transaction. A release by another process only leaves
  // entries whose rows are gone, which RecordLocked skips.
  Status CatchUpMachines(std::int64_t newest_seq) {
    if (newest_seq <= machines_through_) return OkStatus();
    machines_.Clear();
    Stmt all(db_, "SELECT key_tag, machine_tag, seq FROM activation_machines");
    int rc = SQLITE_ROW;
    while ((rc = all.Step()) == SQLITE_ROW) machines_.Add(all.Int(0), all.Int(1), all.Int(2));
    if (rc != SQLITE_DONE) {
      machines_.Clear();
      machines_through_ = 0;
      return Error("loading the activations' machines");
    }
    machines_through_ = newest_seq;
    return OkStatus();
  }

  // The batch rolled back: its activations leave the index in memory too.
  void ForgetBatchMachines() {
    for (const Added& a : batch_added_) machines_.Remove(a.key_tag, a.machine_tag, a.seq);
    batch_added_.clear();
  }

  // From now on every batch is refused and /healthz reports `why`, until a restart.
  void MarkDiskFailed(const Status& why) {
    {
      std::lock_guard lock(failure_mu_);
      if (disk_failed_.load(std::memory_order_relaxed)) return;  // keep the first cause
      disk_failure_ = why;
    }
    disk_failed_.store(true, std::memory_order_release);
    fmt::print(stderr, "licet-server: {} (activations are refused until a restart)\n",
               why.message());
  }

  // A key's row as the batch sees it: read at its first activation in the batch, counted in
  // memory, written back by WriteBackCounts.
  struct KeyCounts {
    std::uint32_t limit = 0;  // distinct machines
    std::uint32_t used = 0;
    std::uint32_t max_total = 0;  // 0: no limit
    std::uint32_t total = 0;
    bool blocked = false;
    std::optional<Channel> channel;
    std::uint32_t added_used = 0;  // by this batch
    std::uint32_t added_total = 0;
  };

  // The key's counts, from `keys` or read from its row. Errors: kKeyBlocked (unknown key).
  StatusOr<KeyCounts*> CountsOf(const std::string& key_text,
                                std::unordered_map<std::string, KeyCounts>& keys) {
    if (const auto it = keys.find(key_text); it != keys.end()) return &it->second;
    Stmt& key = Cached(
        "SELECT max_activations, used, blocked, channel, max_total, total FROM keys WHERE key = ?");
    key.Bind(1, key_text);
    if (key.Step() != SQLITE_ROW) {
      return Status(ErrorCode::kKeyBlocked,
                    fmt::format("the activation server does not know the key {}", key_text));
    }
    const KeyCounts counts{.limit = static_cast<std::uint32_t>(key.Int(0)),
                           .used = static_cast<std::uint32_t>(key.Int(1)),
                           .max_total = static_cast<std::uint32_t>(key.Int(4)),
                           .total = static_cast<std::uint32_t>(key.Int(5)),
                           .blocked = key.Int(2) != 0,
                           .channel = ParseChannel(key.Text(3))};
    return &keys.emplace(key_text, counts).first->second;
  }

  // The highest seqs stored and released, read in the batch's transaction, so that another
  // process's writes count too.
  struct SeqMarks {
    std::int64_t newest_stored = 0;
    std::int64_t highest_released = 0;
    // The seq the batch's first activation gets: one past every seq stored or ever released
    // (schema version 6), so that a listing paged past a seq never misses a later activation.
    std::int64_t FirstNew() const { return std::max(newest_stored, highest_released) + 1; }
  };
  StatusOr<SeqMarks> ReadSeqMarks() {
    Stmt& marks = Cached(
        "SELECT IFNULL((SELECT MAX(rowid) FROM activations), 0), IFNULL((SELECT value FROM "
        "store_counters WHERE name = 'released-activation-seq'), 0)");
    if (marks.Step() != SQLITE_ROW) return Error("numbering activations");
    return SeqMarks{.newest_stored = marks.Int(0), .highest_released = marks.Int(1)};
  }

  // Checks and records one activation as `seq`, which it then advances; writes only once every
  // check passed (when its row cannot be inserted, nothing is left behind and the batch carries
  // on without it; when its tags cannot be, batch_broken_ rolls the whole batch back).
  StatusOr<ActivationOutcome> RecordLocked(const ActivationAttempt& a, const std::string& token,
                                           std::unordered_map<std::string, KeyCounts>& keys,
                                           std::int64_t& seq) {
    LICET_ASSIGN_OR_RETURN(KeyCounts* const counts, CountsOf(a.key, keys));
    // The machine's earlier activations of this key: the index in memory names their rows (none
    // for a new machine, the usual case, which then reads nothing), and the texts decide, since
    // two texts may share a tag. One of them with this request's CMID and nonce makes a replay.
    const std::int64_t key_tag = tags_->Key(a.key);
    const std::int64_t machine_tag = tags_->Machine(a.hardware_id);
    bool reused = false;
    std::optional<std::string> replayed_token;
    Status read;
    machines_.ForEach(key_tag, machine_tag, [&](std::int64_t earlier) {
      Stmt& row =
          Cached("SELECT key, hardware_id, cmid, nonce, token FROM activations WHERE rowid = ?");
      row.Bind(1, earlier);
      const int rc = row.Step();
      if (rc == SQLITE_DONE) return true;  // released by another process
      if (rc != SQLITE_ROW) {
        read = Error("reading a machine's activations");
        return false;
      }
      if (row.Text(0) != a.key || row.Text(1) != a.hardware_id) return true;
      reused = true;
      if (row.Text(2) != a.cmid || row.Text(3) != a.nonce) return true;
      replayed_token = row.Text(4);
      return false;
    });
    LICET_RETURN_IF_ERROR(read);
    if (replayed_token) {
      // The answer says where the key stands now, as the first one did then.
      return ActivationOutcome{.token = std::move(*replayed_token),
                               .replayed = true,
                               .reused = true,
                               .used = counts->used,
                               .limit = counts->limit};
    }
    if (counts->blocked)
      return Status(ErrorCode::kKeyBlocked, fmt::format("the key {} is blocked", a.key));
    if (counts->max_total != 0 && counts->total >= counts->max_total) {
      return Status(ErrorCode::kUnlockLimitExceeded,
                    fmt::format("the key {} has been activated {} times, its limit", a.key,
                                counts->max_total));
    }
    if (!reused && counts->used >= counts->limit) {
      if (counts->channel == Channel::kVolumeMak) {
        return Status(
            ErrorCode::kMakLimitExceeded,
            fmt::format("the MAK {} has used all {} of its activations", a.key, counts->limit));
      }
      return Status(ErrorCode::kUnlockLimitExceeded,
                    fmt::format("the key {} is already activated on {} machine(s), its limit",
                                a.key, counts->limit));
    }
    Stmt& insert = Cached(
        "INSERT INTO activations (key, cmid, hardware_id, nonce, token, created_at, rowid) "
        "VALUES (?,?,?,?,?,?,?)");
    insert.Bind(1, a.key)
        .Bind(2, a.cmid)
        .Bind(3, a.hardware_id)
        .Bind(4, a.nonce)
        .Bind(5, token)
        .Bind(6, FormatIso8601(a.now))
        .Bind(7, seq);
    if (insert.Step() != SQLITE_DONE) return Error("recording an activation");
    Stmt& tagged =
        Cached("INSERT INTO activation_machines (key_tag, seq, machine_tag) VALUES (?,?,?)");
    tagged.Bind(1, key_tag).Bind(2, seq).Bind(3, machine_tag);
    if (tagged.Step() != SQLITE_DONE) {
      // The row is in, its tags are not: only the whole batch's rollback undoes that.
      batch_broken_ = Error("recording an activation's machine");
      return batch_broken_;
    }
    machines_.Add(key_tag, machine_tag, seq);
    batch_added_.push_back({.key_tag = key_tag, .machine_tag = machine_tag, .seq = seq});
    ++seq;
    const std::uint32_t new_machine = reused ? 0 : 1;
    counts->used += new_machine;
    counts->added_used += new_machine;
    ++counts->total;
    ++counts->added_total;
    return ActivationOutcome{.token = token,
                             .replayed = false,
                             .reused = reused,
                             .used = counts->used,
                             .limit = counts->limit};
  }

  // Adds each key's new activations to its row. False if a write failed: the batch's rows and
  // counts would disagree, so the caller rolls the whole batch back.
  bool WriteBackCounts(const std::unordered_map<std::string, KeyCounts>& keys) {
    for (const auto& [key_text, counts] : keys) {
      if (counts.added_total == 0) continue;
      Stmt& inc = Cached("UPDATE keys SET used = used + ?, total = total + ? WHERE key = ?");
      inc.Bind(1, counts.added_used).Bind(2, counts.added_total).Bind(3, key_text);
      if (inc.Step() != SQLITE_DONE || sqlite3_changes(db_) != 1) return false;
    }
    return true;
  }

  Status Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      Status s(ErrorCode::kIoError, fmt::format("SQLite: {}", err != nullptr ? err : "error"));
      sqlite3_free(err);
      return s;
    }
    return OkStatus();
  }

  // One statement of no result, prepared once (Cached): the group commit's BEGIN, COMMIT and
  // ROLLBACK, which sqlite3_exec would parse again for every batch. Caller holds mu_.
  Status Run(const char* sql) {
    if (Cached(sql).Step() == SQLITE_DONE) return OkStatus();
    return Status(ErrorCode::kIoError, fmt::format("SQLite: {}", sqlite3_errmsg(db_)));
  }

  Status Error(std::string_view what) { return SqliteError(db_, what); }

  // A prepared statement kept for the connection's lifetime, reset for reuse. Caller holds mu_.
  Stmt& Cached(const char* sql) {
    std::unique_ptr<Stmt>& slot = cache_[sql];
    if (!slot) slot = std::make_unique<Stmt>(db_, sql);
    slot->Reset();
    return *slot;
  }

  sqlite3* db_;
  std::mutex mu_;                                                 // the connection
  std::unordered_map<const char*, std::unique_ptr<Stmt>> cache_;  // keyed by the literal's address
  std::optional<ActivationTags> tags_;                            // set by Migrate
  // The writer's index of activations by key and machine (guarded by mu_), complete up to the
  // seq machines_through_, and what the batch being committed added to it.
  MachineIndex machines_;
  std::int64_t machines_through_ = 0;
  struct Added {
    std::int64_t key_tag, machine_tag, seq;
  };
  std::vector<Added> batch_added_;
  Status batch_broken_;                    // set when a batch must roll back whole
  std::unique_ptr<SqliteReader> reader_;   // set by OpenReader
  std::unique_ptr<WalSync> wal_sync_;      // the group commit's commits leave their fdatasync...
  std::unique_ptr<GroupCommit> writers_;   // ...to its syncer thread, which then answers them
  std::atomic<bool> disk_failed_ = false;  // a sync failed: refuse every later batch
  mutable std::mutex failure_mu_;
  Status disk_failure_;  // the first failed sync (guarded by failure_mu_)
};

}  // namespace

StatusOr<std::vector<ActivationRow>> ServerStore::ListActivations(const std::string& key,
                                                                  std::size_t limit,
                                                                  std::int64_t after) {
  std::vector<ActivationRow> rows;
  LICET_RETURN_IF_ERROR(VisitActivations(key, after, [&](ActivationRow row) {
    if (rows.size() == limit) return false;  // limit 0: still kNotFound for an unknown key
    rows.push_back(std::move(row));
    return rows.size() < limit;
  }));
  return rows;
}

StatusOr<ServerStore::ActivationPage> ServerStore::ListActivationPage(const std::string& key,
                                                                      std::size_t limit,
                                                                      std::int64_t after) {
  ActivationPage page;
  LICET_ASSIGN_OR_RETURN(page.rows, ListActivations(key, limit + 1, after));
  if (page.rows.size() > limit) {
    page.next_after = limit == 0 ? after : page.rows[limit - 1].seq;
    page.rows.resize(limit);
  }
  return page;
}

StatusOr<ActivationOutcome> ServerStore::RecordActivation(const ActivationAttempt& attempt,
                                                          std::string token) {
  std::promise<StatusOr<ActivationOutcome>> promise;
  std::future<StatusOr<ActivationOutcome>> future = promise.get_future();
  RecordActivationAsync(attempt, std::move(token), [&promise](StatusOr<ActivationOutcome> r) {
    promise.set_value(std::move(r));
  });
  return future.get();
}

std::string_view AdminRoleName(AdminRole role) {
  return role == AdminRole::kAdmin ? "admin" : "support";
}

StatusOr<std::unique_ptr<ServerStore>> OpenSqliteStore(const std::string& path) {
  // Before SQLite's first use in the process (later, SQLite refuses and nothing changes): no
  // allocation statistics, which nothing reads and which cost a global mutex around every one of
  // SQLite's mallocs (Debian's build has no lookaside allocator, so there are dozens per
  // activation). With it and the connections' own mutexes gone, pthread mutex time under
  // activations fell from 2.2% to 1.2% of the machine's CPU (bench/RESULTS.md).
  static std::once_flag configure_once;
  std::call_once(configure_once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  // WAL frames reach the kernel in one write per commit (coalescing_vfs.h; needs synchronous =
  // FULL, set below).
  LICET_RETURN_IF_ERROR(RegisterCoalescingVfs());
  sqlite3* db = nullptr;
  // NOMUTEX: SqliteStore's mu_ serialises every use of the connection, so SQLite's own mutex
  // around each call would only be taken and released again.
  if (sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      kCoalescingVfsName) != SQLITE_OK) {
    Status s(ErrorCode::kIoError,
             fmt::format("cannot open {}: {}", path,
                         db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close(db);
    return s;
  }
  sqlite3_busy_timeout(db, 10000);
  if (const Status tag = RegisterActivationTagFunction(db); !tag.ok()) {
    sqlite3_close(db);
    return tag;
  }
  auto store = std::make_unique<SqliteStore>(db);
  for (const char* pragma :
       {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON"}) {
    if (sqlite3_exec(db, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return Status(ErrorCode::kIoError,
                    fmt::format("cannot configure {}: {}", path, sqlite3_errmsg(db)));
    }
  }
  LICET_RETURN_IF_ERROR(store->SetCacheKib(kServingCacheKib));
  LICET_RETURN_IF_ERROR(store->Migrate());
  LICET_RETURN_IF_ERROR(store->OpenReader());
  LICET_RETURN_IF_ERROR(store->StartWriters());
  return std::unique_ptr<ServerStore>(std::move(store));
}

}  // namespace licet::server
