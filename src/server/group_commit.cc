// GroupCommit's two threads (group_commit.h).
#include "group_commit.h"

#include <pthread.h>

#include <chrono>
#include <iterator>
#include <optional>

namespace licet::server {

GroupCommit::GroupCommit(CommitBatch commit, SyncCommitted sync, SyncFailed sync_failed)
    : commit_(std::move(commit)), sync_(std::move(sync)), sync_failed_(std::move(sync_failed)) {
  committer_ = std::thread([this] { CommitLoop(); });
  syncer_ = std::thread([this] { SyncLoop(); });
}

GroupCommit::~GroupCommit() { Stop(); }

void GroupCommit::Enqueue(Pending pending) {
  {
    std::lock_guard lock(queue_mu_);
    queue_.push_back(std::move(pending));
  }
  queue_cv_.notify_one();
}

DurableWriteStats GroupCommit::stats() const {
  return {
      .batches = batches_.load(std::memory_order_relaxed),
      .activations = committed_.load(std::memory_order_relaxed),
      .syncs = syncs_.load(std::memory_order_relaxed),
      .sync_seconds = static_cast<double>(sync_nanoseconds_.load(std::memory_order_relaxed)) / 1e9};
}

void GroupCommit::Stop() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_one();
  if (committer_.joinable()) committer_.join();
  // Only now: the committer's last batches are handed over before the syncer may stop.
  {
    std::lock_guard lock(sync_mu_);
    sync_stopping_ = true;
  }
  sync_cv_.notify_one();
  if (syncer_.joinable()) syncer_.join();
}

void GroupCommit::CommitLoop() {
  pthread_setname_np(pthread_self(), "licet-commit");
  std::unique_lock lock(queue_mu_);
  while (true) {
    queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    std::vector<Pending> batch;
    batch.swap(queue_);
    lock.unlock();
    if (commit_(batch)) {
      batches_.fetch_add(1, std::memory_order_relaxed);
      committed_.fetch_add(batch.size(), std::memory_order_relaxed);
      HandToSyncer(std::move(batch));
    } else {
      for (Pending& p : batch) p.done(std::move(p.result));  // nothing of it was written
    }
    lock.lock();
  }
}

void GroupCommit::HandToSyncer(std::vector<Pending> batch) {
  {
    std::lock_guard lock(sync_mu_);
    if (unsynced_.empty()) {
      unsynced_ = std::move(batch);
    } else {
      std::move(batch.begin(), batch.end(), std::back_inserter(unsynced_));
    }
  }
  sync_cv_.notify_one();
}

void GroupCommit::SyncLoop() {
  pthread_setname_np(pthread_self(), "licet-sync");
  // Once a sync failed, every batch is answered with its error, even one whose own sync then
  // succeeds: a batch committed while the failed sync ran may have had pages in the write-back
  // that failed, and the kernel reports a failed write-back once; the next fdatasync returns 0
  // without bringing those pages back.
  std::optional<Status> failure;
  std::unique_lock lock(sync_mu_);
  while (true) {
    sync_cv_.wait(lock, [this] { return sync_stopping_ || !unsynced_.empty(); });
    if (unsynced_.empty()) return;
    std::vector<Pending> committed;
    committed.swap(unsynced_);
    lock.unlock();
    // Begins after every commit in `committed` returned, so it covers them all.
    const auto began = std::chrono::steady_clock::now();
    Status synced = sync_();
    sync_nanoseconds_.fetch_add(
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       std::chrono::steady_clock::now() - began)
                                       .count()),
        std::memory_order_relaxed);
    syncs_.fetch_add(1, std::memory_order_relaxed);
    if (!synced.ok() && !failure) {
      failure = synced;
      sync_failed_(synced);
    }
    if (failure) synced = *failure;
    for (Pending& p : committed) p.done(synced.ok() ? std::move(p.result) : synced);
    lock.lock();
  }
}

}  // namespace licet::server
