// The store's admin reads run on a connection of their own (sqlite_reader.h): an activation, a
// release and a bearer token's check go on while a key's activations are being read, and the
// read sees the moment it began. Listings page on from a cursor and a key's machines are capped;
// a released activation's seq is never given again.
#include "sqlite_reader.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <future>
#include <string>
#include <utility>
#include <vector>

#include "server_store.h"
#include "sqlite_test_db.h"

namespace licet::server {
namespace {

constexpr const char* kKey = "C47P6-RB696-DTMX3-BB8BX-M9XR9";

class SqliteReaderTest : public sqlite_test::SqliteFilesTest {
 protected:
  // A store holding one MAK of 100 activations, used by machines hw-a and hw-b.
  std::unique_ptr<ServerStore> StoreWithTwoMachines() {
    const std::string path = (dir_ / "licet.db").string();
    EXPECT_TRUE(OpenSqliteStore(path).ok());  // the schema
    {
      sqlite_test::Db db(dir_ / "licet.db", nullptr);
      db.Exec(std::string("INSERT INTO keys (key, grp, serial, activation_id, channel, "
                          "max_activations) VALUES ('") +
              kKey + "', 2203, 1, 'sku', 'Volume:MAK', 100)");
    }
    StatusOr<std::unique_ptr<ServerStore>> store = OpenSqliteStore(path);
    EXPECT_TRUE(store.ok()) << store.status();
    for (const char* machine : {"hw-a", "hw-b"}) {
      const StatusOr<ActivationOutcome> done =
          (*store)->RecordActivation({.key = kKey,
                                      .cmid = std::string("cmid-") + machine,
                                      .hardware_id = machine,
                                      .nonce = "n"},
                                     std::string("token-") + machine);
      EXPECT_TRUE(done.ok()) << done.status();
    }
    return std::move(*store);
  }
};

// With one connection for everything, the activation below waited for the visit to end, and the
// visit for the activation: the wait ran out after 30 s and the test failed.
TEST_F(SqliteReaderTest, ActivationsAndReleasesGoOnWhileAKeyIsRead) {
  std::unique_ptr<ServerStore> store = StoreWithTwoMachines();
  ASSERT_NE(store, nullptr);
  std::vector<std::string> seen;
  std::future<StatusOr<ActivationOutcome>> activation;
  StatusOr<ReleasedMachine> release = Status(ErrorCode::kInternal, "not run");
  StatusOr<AdminRole> token_check = Status(ErrorCode::kInternal, "not run");
  const Status visited = store->VisitActivations(kKey, 0, [&](ActivationRow row) {
    if (seen.empty()) {
      auto promise = std::make_shared<std::promise<StatusOr<ActivationOutcome>>>();
      activation = promise->get_future();
      store->RecordActivationAsync(
          {.key = kKey, .cmid = "cmid-c", .hardware_id = "hw-c", .nonce = "n"}, "token-c",
          [promise](StatusOr<ActivationOutcome> r) { promise->set_value(std::move(r)); });
      // (Released only once the activation went through: with one connection it would wait too.)
      if (activation.wait_for(std::chrono::seconds(30)) == std::future_status::ready) {
        release = store->ReleaseMachine(kKey, "hw-b");
      }
    }
    seen.push_back(row.hardware_id);
    return true;
  });
  ASSERT_TRUE(visited.ok()) << visited;
  // The visit saw the key as it was when it began: neither the new machine nor the release.
  EXPECT_EQ(seen, (std::vector<std::string>{"hw-a", "hw-b"}));
  ASSERT_TRUE(activation.valid());
  const StatusOr<ActivationOutcome> outcome = activation.get();
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->used, 3u);
  ASSERT_TRUE(release.ok()) << release.status();
  EXPECT_EQ(release->used, 2u);
  // A read begun afterwards sees both.
  const StatusOr<KeyInfo> info = store->GetKey(kKey, 1000);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->machines, (std::vector<std::string>{"hw-a", "hw-c"}));
  EXPECT_EQ(info->used, 2u);
  EXPECT_EQ(info->released, 1u);
  const StatusOr<ServerStats> stats = store->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->activations, 2u);
  EXPECT_EQ(stats->keys, 1u);
}

TEST_F(SqliteReaderTest, AdminTokensAreCheckedOnTheReader) {
  std::unique_ptr<ServerStore> store = StoreWithTwoMachines();
  ASSERT_NE(store, nullptr);
  const StatusOr<std::string> support = store->CreateAdminToken(AdminRole::kSupport, TimePoint{});
  ASSERT_TRUE(support.ok()) << support.status();
  const StatusOr<AdminRole> role = store->CheckAdminToken(*support);
  ASSERT_TRUE(role.ok()) << role.status();
  EXPECT_EQ(*role, AdminRole::kSupport);
  EXPECT_EQ(store->CheckAdminToken(*support + "x").status().code(), ErrorCode::kUnauthorized);
  EXPECT_EQ(store->ListActivations("B7CPB-RB696-DTMX3-BB8BX-M9XR9", 0).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store->GetKey("B7CPB-RB696-DTMX3-BB8BX-M9XR9", 1000).status().code(),
            ErrorCode::kNotFound);
}

TEST_F(SqliteReaderTest, ListingsPageOnFromACursorAndMachinesAreCapped) {
  std::unique_ptr<ServerStore> store = StoreWithTwoMachines();
  ASSERT_NE(store, nullptr);
  // hw-a, hw-b (the fixture), then hw-c, hw-a again under another CMID, hw-d: five activations.
  for (const auto& [cmid, machine] :
       {std::pair{"cmid-c", "hw-c"}, std::pair{"cmid-a2", "hw-a"}, std::pair{"cmid-d", "hw-d"}}) {
    ASSERT_TRUE(store
                    ->RecordActivation(
                        {.key = kKey, .cmid = cmid, .hardware_id = machine, .nonce = "n"}, "token")
                    .ok());
  }
  const StatusOr<std::vector<ActivationRow>> all = store->ListActivations(kKey, 100);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 5u);
  std::vector<std::string> paged;
  std::int64_t after = 0;
  for (int page = 0; page < 3; ++page) {
    const StatusOr<std::vector<ActivationRow>> rows = store->ListActivations(kKey, 2, after);
    ASSERT_TRUE(rows.ok()) << rows.status();
    ASSERT_EQ(rows->size(), page < 2 ? 2u : 1u);
    for (const ActivationRow& r : *rows) {
      EXPECT_GT(r.seq, after);  // seqs rise in arrival order
      after = r.seq;
      paged.push_back(r.cmid);
    }
  }
  EXPECT_EQ(paged,
            (std::vector<std::string>{"cmid-hw-a", "cmid-hw-b", "cmid-c", "cmid-a2", "cmid-d"}));
  EXPECT_TRUE(store->ListActivations(kKey, 2, after)->empty());
  // A page says where the next starts while more follow, and not when its rows are the last.
  const StatusOr<ServerStore::ActivationPage> first = store->ListActivationPage(kKey, 2, 0);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->rows.size(), 2u);
  EXPECT_EQ(first->next_after, (*all)[1].seq);
  const StatusOr<ServerStore::ActivationPage> last =
      store->ListActivationPage(kKey, 3, (*all)[1].seq);
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(last->rows.size(), 3u);
  EXPECT_FALSE(last->next_after.has_value());
  // A release between two pages: the next page still starts where the last one ended.
  ASSERT_TRUE(store->ReleaseMachine(kKey, "hw-c").ok());
  const StatusOr<std::vector<ActivationRow>> rest = store->ListActivations(kKey, 10, (*all)[1].seq);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[0].cmid, "cmid-a2");

  // Machines in the order of their first activation; a cap says that the list is cut short.
  const StatusOr<KeyInfo> two = store->GetKey(kKey, 2);
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ(two->machines, (std::vector<std::string>{"hw-a", "hw-b"}));
  EXPECT_TRUE(two->machines_truncated);
  EXPECT_EQ(two->used, 3u);
  const StatusOr<KeyInfo> three = store->GetKey(kKey, 3);
  ASSERT_TRUE(three.ok()) << three.status();
  EXPECT_EQ(three->machines, (std::vector<std::string>{"hw-a", "hw-b", "hw-d"}));
  EXPECT_FALSE(three->machines_truncated);
  // None asked for: the counts alone, and whether any machine exists.
  const StatusOr<KeyInfo> counts = store->GetKey(kKey, 0);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_TRUE(counts->machines.empty());
  EXPECT_TRUE(counts->machines_truncated);
  EXPECT_EQ(counts->used, 3u);
  for (const char* machine : {"hw-a", "hw-b", "hw-d"}) {
    ASSERT_TRUE(store->ReleaseMachine(kKey, machine).ok());
  }
  const StatusOr<KeyInfo> none = store->GetKey(kKey, 0);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->machines_truncated);
  EXPECT_EQ(none->used, 0u);
}

// A seq names one activation for good: releasing the newest activation does not hand its seq to
// the next one, in the same process or after a restart, so a listing paged past it misses nothing.
TEST_F(SqliteReaderTest, AReleasedSeqIsNeverGivenAgain) {
  std::unique_ptr<ServerStore> store = StoreWithTwoMachines();
  ASSERT_NE(store, nullptr);
  const auto activate = [&](ServerStore& s, const std::string& machine) -> std::int64_t {
    EXPECT_TRUE(s.RecordActivation(
                     {.key = kKey, .cmid = "cmid-" + machine, .hardware_id = machine, .nonce = "n"},
                     "token")
                    .ok());
    const StatusOr<std::vector<ActivationRow>> rows = s.ListActivations(kKey, 100);
    EXPECT_TRUE(rows.ok() && !rows->empty());
    return rows.ok() && !rows->empty() ? rows->back().seq : -1;
  };
  const StatusOr<std::vector<ActivationRow>> first = store->ListActivations(kKey, 100);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 2u);
  const std::int64_t seq_b = (*first)[1].seq;  // hw-b's, the newest
  ASSERT_TRUE(store->ReleaseMachine(kKey, "hw-b").ok());
  const std::int64_t seq_c = activate(*store, "hw-c");
  EXPECT_GT(seq_c, seq_b);
  // The same across a restart: the release is remembered in the store, not in the process.
  ASSERT_TRUE(store->ReleaseMachine(kKey, "hw-c").ok());
  store.reset();
  StatusOr<std::unique_ptr<ServerStore>> reopened = OpenSqliteStore((dir_ / "licet.db").string());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  const std::int64_t seq_d = activate(**reopened, "hw-d");
  EXPECT_GT(seq_d, seq_c);
  // A script that had read up to hw-b's seq finds hw-d on its next page.
  const StatusOr<std::vector<ActivationRow>> next = (*reopened)->ListActivations(kKey, 10, seq_b);
  ASSERT_TRUE(next.ok()) << next.status();
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].cmid, "cmid-hw-d");
}

// The reader's connection refuses writes: nothing reaches the store but through the writer.
TEST_F(SqliteReaderTest, TheReaderCannotWrite) {
  std::unique_ptr<ServerStore> store = StoreWithTwoMachines();
  ASSERT_NE(store, nullptr);
  StatusOr<std::unique_ptr<SqliteReader>> reader = SqliteReader::Open((dir_ / "licet.db").string());
  ASSERT_TRUE(reader.ok()) << reader.status();
  int rc = SQLITE_OK;
  const Status read = (*reader)->InSnapshot([&](sqlite3* db) {
    rc = sqlite3_exec(db, "DELETE FROM activations", nullptr, nullptr, nullptr);
    return OkStatus();
  });
  EXPECT_TRUE(read.ok()) << read;
  EXPECT_EQ(rc, SQLITE_READONLY);
  const StatusOr<std::vector<ActivationRow>> rows = store->ListActivations(kKey, 10);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(rows->size(), 2u);
  // A file that no writer made is not created.
  EXPECT_EQ(SqliteReader::Open((dir_ / "absent.db").string()).status().code(), ErrorCode::kIoError);
}

}  // namespace
}  // namespace licet::server
