// The group commit behind POST /v1/activations: activations queue up, one committer thread writes
// everything queued in one transaction, and one syncer thread makes the committed batches durable
// (one fdatasync covers every batch committed while the previous one ran) before it answers them.
// So the next batch is written while the disk confirms this one, nothing is acknowledged (nor
// refused on the strength of an earlier batch) before it is durable, and the HTTP threads that
// enqueue never block on the disk. What a batch writes is the store's business (sqlite_store.cc).
//
//   GroupCommit writers(commit_batch, [&] { return wal_sync.Sync(); }, mark_disk_failed);
//   writers.Enqueue({.attempt = a, .token = t, .done = callback});
//
// Thread-safe: Enqueue from any thread. The callbacks run on the committer thread (a batch that
// did not commit) or on the syncer thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server_store.h"

namespace licet::server {

class GroupCommit {
 public:
  /// One activation on its way to the disk.
  struct Pending {
    ActivationAttempt attempt;
    std::string token;
    ServerStore::ActivationCallback done;
    StatusOr<ActivationOutcome> result = Status(ErrorCode::kInternal, "not committed");
  };
  /// Writes the batch in one transaction without waiting for the disk and sets each item's
  /// result. True: committed (the items wait for a sync). False: nothing of it was written, and
  /// every result is the error to answer at once.
  using CommitBatch = std::function<bool(std::vector<Pending>&)>;
  /// Makes every commit that returned before it began durable.
  using SyncCommitted = std::function<Status()>;
  /// Called with a failed sync's error before the batches it covered are answered with it.
  using SyncFailed = std::function<void(const Status&)>;

  /// Starts the committer and syncer threads.
  GroupCommit(CommitBatch commit, SyncCommitted sync, SyncFailed sync_failed);
  /// Stop().
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  void Enqueue(Pending pending);

  /// What the two threads did so far, for /metrics: the mean batch and the disk's mean time to
  /// confirm are what bound the activation rate at a given number of clients.
  DurableWriteStats stats() const;

  /// Commits and answers everything already queued, then stops both threads. Idempotent.
  void Stop();

 private:
  void CommitLoop();
  void SyncLoop();
  void HandToSyncer(std::vector<Pending> batch);

  const CommitBatch commit_;
  const SyncCommitted sync_;
  const SyncFailed sync_failed_;
  std::mutex queue_mu_;  // the queue below
  std::condition_variable queue_cv_;
  std::vector<Pending> queue_;
  bool stopping_ = false;
  std::mutex sync_mu_;  // the committed batches below
  std::condition_variable sync_cv_;
  std::vector<Pending> unsynced_;  // committed, waiting for a sync
  bool sync_stopping_ = false;
  std::atomic<std::uint64_t> batches_ = 0;    // committed transactions
  std::atomic<std::uint64_t> committed_ = 0;  // activations in them
  std::atomic<std::uint64_t> syncs_ = 0;
  std::atomic<std::uint64_t> sync_nanoseconds_ = 0;
  std::thread committer_;
  std::thread syncer_;
};

}  // namespace licet::server
