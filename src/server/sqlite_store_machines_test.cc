// The SQLite store finds a machine's earlier activations through an index in memory (schema
// version 8, machine_index.h). These tests check that it is never missing what the database holds:
// after a restart, after another process stored or released activations in the same file, and
// that a key's rows and tags stay one-to-one.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "server_store.h"
#include "sqlite_test_db.h"

namespace licet::server {
namespace {

constexpr const char* kKey = "C47P6-RB696-DTMX3-BB8BX-M9XR9";

class SqliteStoreMachinesTest : public sqlite_test::SqliteFilesTest {
 protected:
  // A new store file holding one MAK for 10 machines.
  void SetUp() override {
    sqlite_test::SqliteFilesTest::SetUp();
    path_ = (dir_ / "licet.db").string();
    ASSERT_TRUE(OpenSqliteStore(path_).ok());  // the schema
    sqlite_test::Db db(dir_ / "licet.db", nullptr);
    db.Exec(std::string("INSERT INTO keys (key, grp, serial, activation_id, channel, "
                        "max_activations) VALUES ('") +
            kKey + "', 2203, 1, 'sku', 'Volume:MAK', 10)");
  }

  std::unique_ptr<ServerStore> Open() {
    StatusOr<std::unique_ptr<ServerStore>> store = OpenSqliteStore(path_);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  static ActivationOutcome Activate(ServerStore& store, const std::string& machine,
                                    const std::string& cmid) {
    const StatusOr<ActivationOutcome> outcome = store.RecordActivation(
        {.key = kKey, .cmid = cmid, .hardware_id = machine, .nonce = "n-" + cmid}, "t-" + cmid);
    EXPECT_TRUE(outcome.ok()) << outcome.status();
    return outcome.ok() ? *outcome : ActivationOutcome{};
  }

  std::string path_;
};

TEST_F(SqliteStoreMachinesTest, ARestartedStoreKnowsItsMachines) {
  {
    std::unique_ptr<ServerStore> store = Open();
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(Activate(*store, "hw-1", "c1").used, 1u);
    EXPECT_EQ(Activate(*store, "hw-2", "c2").used, 2u);
  }
  std::unique_ptr<ServerStore> store = Open();
  ASSERT_NE(store, nullptr);
  const ActivationOutcome again = Activate(*store, "hw-1", "c3");
  EXPECT_TRUE(again.reused);
  EXPECT_FALSE(again.replayed);
  EXPECT_EQ(again.used, 2u);
  const ActivationOutcome replay = Activate(*store, "hw-2", "c2");
  EXPECT_TRUE(replay.replayed);
  EXPECT_EQ(replay.token, "t-c2");
}

// Two stores on one file stand for two processes: each writer catches up with the other's
// activations before it decides whether a machine is new.
TEST_F(SqliteStoreMachinesTest, AnotherWritersActivationsAreFound) {
  std::unique_ptr<ServerStore> first = Open();
  std::unique_ptr<ServerStore> second = Open();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(Activate(*first, "hw-1", "c1").used, 1u);  // the first writer's index is loaded
  EXPECT_EQ(Activate(*second, "hw-2", "c2").used, 2u);
  const ActivationOutcome reused = Activate(*first, "hw-2", "c3");
  EXPECT_TRUE(reused.reused);
  EXPECT_EQ(reused.used, 2u);
  const ActivationOutcome replay = Activate(*first, "hw-2", "c2");
  EXPECT_TRUE(replay.replayed);
  EXPECT_EQ(replay.token, "t-c2");
}

// A machine released through another writer is new again to this one, whose index still names
// the deleted rows: they are skipped, and the machine takes a count afresh.
TEST_F(SqliteStoreMachinesTest, AMachineReleasedByAnotherWriterIsNewAgain) {
  std::unique_ptr<ServerStore> first = Open();
  std::unique_ptr<ServerStore> second = Open();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(Activate(*first, "hw-1", "c1").used, 1u);
  EXPECT_EQ(Activate(*first, "hw-2", "c2").used, 2u);
  const StatusOr<ReleasedMachine> released = second->ReleaseMachine(kKey, "hw-1");
  ASSERT_TRUE(released.ok()) << released.status();
  EXPECT_EQ(released->used, 1u);
  const ActivationOutcome back = Activate(*first, "hw-1", "c1");
  EXPECT_FALSE(back.replayed);  // its old row is gone
  EXPECT_FALSE(back.reused);
  EXPECT_EQ(back.used, 2u);
  EXPECT_EQ(back.token, "t-c1");
}

// A release here forgets the machine's rows in memory as well as on disk; every stored
// activation keeps exactly one row of tags, under its own seq.
TEST_F(SqliteStoreMachinesTest, AReleasedMachineIsNewAgainAndEveryRowHasItsTags) {
  std::unique_ptr<ServerStore> store = Open();
  ASSERT_NE(store, nullptr);
  Activate(*store, "hw-1", "c1");
  Activate(*store, "hw-1", "c2");
  Activate(*store, "hw-2", "c3");
  const StatusOr<ReleasedMachine> released = store->ReleaseMachine(kKey, "c2");  // by CMID
  ASSERT_TRUE(released.ok()) << released.status();
  EXPECT_EQ(released->hardware_id, "hw-1");
  EXPECT_EQ(released->activations, 2u);
  const ActivationOutcome back = Activate(*store, "hw-1", "c4");
  EXPECT_FALSE(back.reused);
  EXPECT_EQ(back.used, 2u);
  const StatusOr<ServerStats> stats = store->Stats();  // counts the rows of tags
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->activations, 2u);
  store.reset();
  sqlite_test::Db db(dir_ / "licet.db", nullptr);
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM activations"), "2");
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM activation_machines m JOIN activations a ON a.rowid = "
                   "m.seq"),
            "2");
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM activation_machines"), "2");
}

}  // namespace
}  // namespace licet::server
