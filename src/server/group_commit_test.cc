// GroupCommit's ordering rules with a commit and a sync the test controls: nothing is answered
// before a sync that began after its commit returned, and nothing after a failed sync is
// acknowledged, not even a batch whose own sync succeeded.
#include "group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>

namespace licet::server {
namespace {

// A gate the sync waits at until the test opens it.
class Gate {
 public:
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

GroupCommit::Pending Activation(const std::string& cmid,
                                std::promise<StatusOr<ActivationOutcome>>& answer) {
  return {.attempt = {.key = "K", .cmid = cmid, .hardware_id = cmid, .nonce = "n"},
          .token = "token-" + cmid,
          .done = [&answer](StatusOr<ActivationOutcome> r) { answer.set_value(std::move(r)); }};
}

// Commits everything (each result the token it was given), counting commits.
GroupCommit::CommitBatch CommitAll(std::atomic<int>& commits) {
  return [&commits](std::vector<GroupCommit::Pending>& batch) {
    for (GroupCommit::Pending& p : batch) p.result = ActivationOutcome{.token = p.token};
    ++commits;
    return true;
  };
}

TEST(GroupCommitTest, AnswersOnlyAfterTheSyncThatCoversTheCommit) {
  std::atomic<int> commits{0};
  Gate disk;
  std::atomic<int> syncs{0};
  GroupCommit writers(
      CommitAll(commits),
      [&] {
        ++syncs;
        disk.Wait();
        return OkStatus();
      },
      [](const Status&) {});
  std::promise<StatusOr<ActivationOutcome>> answer;
  std::future<StatusOr<ActivationOutcome>> answered = answer.get_future();
  writers.Enqueue(Activation("a", answer));
  // Committed and syncing, but the disk has not confirmed: no answer yet.
  while (syncs.load() == 0) std::this_thread::yield();
  EXPECT_EQ(answered.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  disk.Open();
  const StatusOr<ActivationOutcome> r = answered.get();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->token, "token-a");
}

TEST(GroupCommitTest, NothingIsAcknowledgedAfterAFailedSync) {
  std::atomic<int> commits{0};
  Gate second_committed;
  std::atomic<int> syncs{0};
  std::atomic<int> failures_reported{0};
  GroupCommit writers(
      CommitAll(commits),
      [&]() -> Status {
        if (++syncs == 1) {
          // The first sync fails, but only once the second batch was committed during it.
          second_committed.Wait();
          return Status(ErrorCode::kIoError, "the disk did not confirm");
        }
        return OkStatus();  // the kernel reports a failed write-back once: this one says 0
      },
      [&](const Status&) { ++failures_reported; });
  std::promise<StatusOr<ActivationOutcome>> first, second, third;
  writers.Enqueue(Activation("a", first));
  while (syncs.load() == 0) std::this_thread::yield();
  writers.Enqueue(Activation("b", second));
  while (commits.load() < 2) std::this_thread::yield();
  second_committed.Open();
  const StatusOr<ActivationOutcome> a = first.get_future().get();
  const StatusOr<ActivationOutcome> b = second.get_future().get();
  EXPECT_EQ(a.status().code(), ErrorCode::kIoError);
  EXPECT_EQ(b.status().code(), ErrorCode::kIoError) << "acknowledged after a failed sync";
  EXPECT_EQ(syncs.load(), 2);  // b had a sync of its own, and it "succeeded"
  writers.Enqueue(Activation("c", third));
  EXPECT_EQ(third.get_future().get().status().code(), ErrorCode::kIoError);
  EXPECT_EQ(failures_reported.load(), 1);
}

TEST(GroupCommitTest, CountsBatchesActivationsAndTheTimeSpentSyncing) {
  std::atomic<int> commits{0};
  Gate disk;
  std::atomic<int> syncs{0};
  GroupCommit writers(
      CommitAll(commits),
      [&] {
        if (++syncs == 1) disk.Wait();  // the first sync holds while three more queue up
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        return OkStatus();
      },
      [](const Status&) {});
  EXPECT_EQ(writers.stats().batches, 0u);
  std::promise<StatusOr<ActivationOutcome>> a, b, c, d;
  writers.Enqueue(Activation("a", a));
  while (syncs.load() == 0) std::this_thread::yield();
  writers.Enqueue(Activation("b", b));
  writers.Enqueue(Activation("c", c));
  writers.Enqueue(Activation("d", d));
  while (writers.stats().activations < 4) std::this_thread::yield();
  disk.Open();
  for (auto* answer : {&a, &b, &c, &d}) ASSERT_TRUE(answer->get_future().get().ok());
  const DurableWriteStats stats = writers.stats();
  EXPECT_EQ(stats.activations, 4u);
  EXPECT_EQ(stats.batches, static_cast<std::uint64_t>(commits.load()));
  EXPECT_GE(stats.batches, 2u);  // a alone, then b, c and d in one or more
  // Every answer came after a sync it counted; each sync slept 2 ms.
  EXPECT_EQ(stats.syncs, static_cast<std::uint64_t>(syncs.load()));
  EXPECT_GE(stats.syncs, 2u);
  EXPECT_GE(stats.sync_seconds, 0.002 * static_cast<double>(stats.syncs));
}

}  // namespace
}  // namespace licet::server
