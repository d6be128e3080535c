// A store written by an earlier licet-server opens with every activation kept: a database at
// schema version 3 (activations in a WITHOUT ROWID table, as licet-server wrote them until the
// sixteenth session) is migrated to version 4 (a rowid table and a unique index), 5 (the index
// on keyed hashes of the texts, activation_tags.h), 7 (32-bit tags) and 8 (no index: the tags in
// activation_machines, the machines found in memory), and the store finds its activations again.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <span>
#include <string>
#include <string_view>

#include "activation_tags.h"
#include "server_store.h"
#include "sqlite_schema.h"
#include "sqlite_test_db.h"

namespace licet::server {
namespace {

constexpr const char* kKey = "C47P6-RB696-DTMX3-BB8BX-M9XR9";

// A store as licet-server left it at schema version 3 (the store's own first three migrations),
// with a MAK that three activations (two machines) used.
void WriteVersion3Store(const std::filesystem::path& path) {
  sqlite_test::Db db(path, nullptr);
  for (const char* migration : std::span(kSqliteMigrations).first(3)) db.Exec(migration);
  db.Exec("PRAGMA user_version = 3");
  db.Exec(
      std::string("INSERT INTO keys (key, grp, serial, activation_id, channel, max_activations, "
                  "used, total) VALUES ('") +
      kKey + "', 2203, 1, 'sku', 'Volume:MAK', 5, 2, 3)");
  db.Exec(std::string("INSERT INTO activations VALUES ('") + kKey +
          "', 'hw-b', 'cmid-2', 'n2', 'token-2', '2026-11-02T00:00:00Z'), ('" + kKey +
          "', 'hw-a', 'cmid-1', 'n1', 'token-1', '2026-11-01T00:00:00Z'), ('" + kKey +
          "', 'hw-a', 'cmid-3', 'n3', 'token-3', '2026-11-03T00:00:00Z')");
}

class SqliteStoreMigrationTest : public sqlite_test::SqliteFilesTest {};

TEST_F(SqliteStoreMigrationTest, Version3ActivationsSurviveTheMoveToARowidTable) {
  const std::filesystem::path path = dir_ / "licet.db";
  WriteVersion3Store(path);
  {
    StatusOr<std::unique_ptr<ServerStore>> store = OpenSqliteStore(path.string());
    ASSERT_TRUE(store.ok()) << store.status();
    const StatusOr<std::vector<ActivationRow>> rows = (*store)->ListActivations(kKey, 10);
    ASSERT_TRUE(rows.ok()) << rows.status();
    ASSERT_EQ(rows->size(), 3u);
    EXPECT_EQ((*rows)[0].cmid, "cmid-1");  // oldest first
    EXPECT_EQ((*rows)[2].cmid, "cmid-3");
    // A request sent again gets the token stored before the migration, and no new count.
    const StatusOr<ActivationOutcome> replay = (*store)->RecordActivation(
        {.key = kKey, .cmid = "cmid-2", .hardware_id = "hw-b", .nonce = "n2"}, "new-token");
    ASSERT_TRUE(replay.ok()) << replay.status();
    EXPECT_TRUE(replay->replayed);
    EXPECT_EQ(replay->token, "token-2");
    EXPECT_EQ(replay->used, 2u);
    // A known machine's new CMID reuses its count; a new machine takes one.
    const StatusOr<ActivationOutcome> again = (*store)->RecordActivation(
        {.key = kKey, .cmid = "cmid-4", .hardware_id = "hw-a", .nonce = "n4"}, "token-4");
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_TRUE(again->reused);
    EXPECT_EQ(again->used, 2u);
    const StatusOr<ActivationOutcome> fresh = (*store)->RecordActivation(
        {.key = kKey, .cmid = "cmid-5", .hardware_id = "hw-c", .nonce = "n5"}, "token-5");
    ASSERT_TRUE(fresh.ok()) << fresh.status();
    EXPECT_EQ(fresh->used, 3u);
    const StatusOr<ReleasedMachine> released = (*store)->ReleaseMachine(kKey, "hw-a");
    ASSERT_TRUE(released.ok()) << released.status();
    EXPECT_EQ(released->activations, 3u);  // cmid-1, cmid-3 and cmid-4
  }
  sqlite_test::Db db(path, nullptr);
  EXPECT_EQ(db.One("PRAGMA user_version"), "8");
  EXPECT_EQ(db.One("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM activations"), "2");  // hw-b's and hw-c's
  // No index on the activations, and no tags in their rows any more.
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM pragma_index_list('activations')"), "0");
  EXPECT_EQ(db.One("SELECT group_concat(name, ',') FROM pragma_table_info('activations')"),
            "key,hardware_id,cmid,nonce,token,created_at");
  // Each row's tags, under its seq, are its texts' (the migration's for hw-b, the store's for
  // hw-c): the high halves of version 5's 64-bit tags.
  ASSERT_TRUE(RegisterActivationTagFunction(db.get()).ok());
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM activation_machines m JOIN activations a ON a.rowid = "
                   "m.seq, store_secrets s WHERE s.name = 'activation-tags' AND m.key_tag = "
                   "licet_tag(s.value, a.key) >> 32 AND m.machine_tag = licet_tag(s.value, "
                   "a.hardware_id) >> 32"),
            "2");
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM activation_machines"), "2");
}

TEST_F(SqliteStoreMigrationTest, ANewStoreStartsAtTheLatestVersion) {
  const std::filesystem::path path = dir_ / "licet.db";
  {
    StatusOr<std::unique_ptr<ServerStore>> store = OpenSqliteStore(path.string());
    ASSERT_TRUE(store.ok()) << store.status();
  }
  {  // and opening it again migrates nothing
    StatusOr<std::unique_ptr<ServerStore>> store = OpenSqliteStore(path.string());
    ASSERT_TRUE(store.ok()) << store.status();
  }
  sqlite_test::Db db(path, nullptr);
  EXPECT_EQ(db.One("PRAGMA user_version"), "8");
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'activation_machines'"), "1");
  EXPECT_EQ(db.One("SELECT length(value) FROM store_secrets WHERE name = 'activation-tags'"), "16");
}

TEST_F(SqliteStoreMigrationTest, AStoreOfANewerSchemaIsRefusedUntouched) {
  const std::filesystem::path path = dir_ / "licet.db";
  ASSERT_TRUE(OpenSqliteStore(path.string()).ok());
  const std::string newer = std::to_string(std::size(kSqliteMigrations) + 1);
  sqlite_test::Db(path, nullptr).Exec("PRAGMA user_version = " + newer);
  const StatusOr<std::unique_ptr<ServerStore>> store = OpenSqliteStore(path.string());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("schema version " + newer + ", written by a newer"),
            std::string::npos)
      << store.status();
  EXPECT_EQ(sqlite_test::Db(path, nullptr).One("PRAGMA user_version"), newer);
}

TEST_F(SqliteStoreMigrationTest, EachStoreHashesWithASecretOfItsOwn) {
  for (const char* name : {"a.db", "b.db"}) {
    StatusOr<std::unique_ptr<ServerStore>> store = OpenSqliteStore((dir_ / name).string());
    ASSERT_TRUE(store.ok()) << store.status();
  }
  sqlite_test::Db a(dir_ / "a.db", nullptr);
  sqlite_test::Db b(dir_ / "b.db", nullptr);
  const std::string secret_sql =
      "SELECT hex(value) FROM store_secrets WHERE name = 'activation-tags'";
  EXPECT_EQ(a.One(secret_sql).size(), 32u);
  EXPECT_NE(a.One(secret_sql), b.One(secret_sql));
}

}  // namespace
}  // namespace licet::server

namespace licet::server {
namespace {

// The texts an activation is stored and tagged by.
struct ActivationTexts {
  std::string key, hardware_id, cmid, nonce;
};

// Adds, in plain SQL, a row that holds `texts` under the tags of `tagged_key` and
// `tagged_machine`: what a collision of the keyed hashes would store, which is otherwise out of
// reach.
void PlantRowWithTagsOf(const std::filesystem::path& path, const ActivationTexts& texts,
                        std::string_view tagged_key, std::string_view tagged_machine) {
  sqlite_test::Db db(path, nullptr);
  ASSERT_TRUE(RegisterActivationTagFunction(db.get()).ok());
  db.Exec(fmt::format(
      "INSERT INTO activations (key, hardware_id, cmid, nonce, token, created_at) VALUES ('{}', "
      "'{}', '{}', '{}', 'token-planted', '2026-11-04T00:00:00Z')",
      texts.key, texts.hardware_id, texts.cmid, texts.nonce));
  db.Exec(fmt::format(
      "INSERT INTO activation_machines (key_tag, seq, machine_tag) SELECT licet_tag(value, '{}') "
      ">> 32, last_insert_rowid(), licet_tag(value, '{}') >> 32 FROM store_secrets WHERE name = "
      "'activation-tags'",
      tagged_key, tagged_machine));
}

// Tags only narrow a search: a row of another key that shares this key's and a machine's tags
// (planted here; a SipHash collision is otherwise out of reach) is never taken for this key's.
TEST_F(SqliteStoreMigrationTest, RowsSharingTagsAreToldApartByTheirTexts) {
  const std::filesystem::path path = dir_ / "licet.db";
  WriteVersion3Store(path);
  ASSERT_TRUE(OpenSqliteStore(path.string()).ok());  // migrated: hw-a (2 rows), hw-b
  PlantRowWithTagsOf(path, {"ANOTHER-KEY", "hw-z", "cmid-y", "ny"}, kKey, "hw-z");
  StatusOr<std::unique_ptr<ServerStore>> store = OpenSqliteStore(path.string());
  ASSERT_TRUE(store.ok()) << store.status();
  const StatusOr<KeyInfo> info = (*store)->GetKey(kKey, 1000);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->machines, (std::vector<std::string>{"hw-a", "hw-b"}));
  const StatusOr<std::vector<ActivationRow>> rows = (*store)->ListActivations(kKey, 10);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(rows->size(), 3u);
  // Neither the CMID nor the machine of the other key's row is this key's.
  EXPECT_EQ((*store)->ReleaseMachine(kKey, "cmid-y").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ((*store)->ReleaseMachine(kKey, "hw-z").status().code(), ErrorCode::kNotFound);
  const StatusOr<ActivationOutcome> fresh = (*store)->RecordActivation(
      {.key = kKey, .cmid = "cmid-z", .hardware_id = "hw-z", .nonce = "nz"}, "token-new");
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_FALSE(fresh->replayed);
  EXPECT_FALSE(fresh->reused);
  EXPECT_EQ(fresh->token, "token-new");
  EXPECT_EQ(fresh->used, 3u);
  // A CMID names its machine among the key's own rows, the oldest first.
  const StatusOr<ReleasedMachine> released = (*store)->ReleaseMachine(kKey, "cmid-3");
  ASSERT_TRUE(released.ok()) << released.status();
  EXPECT_EQ(released->hardware_id, "hw-a");
  EXPECT_EQ(released->activations, 2u);
}

// A planted row of another machine under this machine's tags, with the very CMID and nonce of a
// later request: the request is no replay of it, and is recorded beside it.
TEST_F(SqliteStoreMigrationTest, ARequestMatchingARowOfAnotherMachineUnderItsTagsIsNoReplay) {
  const std::filesystem::path path = dir_ / "licet.db";
  WriteVersion3Store(path);
  ASSERT_TRUE(OpenSqliteStore(path.string()).ok());  // migrated: hw-a (2 rows), hw-b
  PlantRowWithTagsOf(path, {kKey, "hw-planted", "cmid-q", "nq"}, kKey, "hw-a");
  StatusOr<std::unique_ptr<ServerStore>> store = OpenSqliteStore(path.string());
  ASSERT_TRUE(store.ok()) << store.status();
  const StatusOr<ActivationOutcome> outcome = (*store)->RecordActivation(
      {.key = kKey, .cmid = "cmid-q", .hardware_id = "hw-a", .nonce = "nq"}, "token-q");
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_FALSE(outcome->replayed);
  EXPECT_TRUE(outcome->reused);
  EXPECT_EQ(outcome->token, "token-q");
  // And sent again, it is a replay of its own row, not of the planted one.
  const StatusOr<ActivationOutcome> again = (*store)->RecordActivation(
      {.key = kKey, .cmid = "cmid-q", .hardware_id = "hw-a", .nonce = "nq"}, "token-other");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->token, "token-q");
}

}  // namespace
}  // namespace licet::server
