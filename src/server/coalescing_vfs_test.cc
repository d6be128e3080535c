// The write-gathering VFS against real SQLite files: every committed row is visible to another
// connection (through the default VFS) at once, survives closing and reopening, and the database
// stays consistent through large transactions (more than the 128 KiB gathered at once), rollbacks,
// rewrites of the same pages and checkpoints.
#include "coalescing_vfs.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "sqlite_test_db.h"

namespace licet::server {
namespace {

using sqlite_test::Db;

using CoalescingVfsTest = sqlite_test::SqliteFilesTest;

TEST_F(CoalescingVfsTest, CommittedRowsAreVisibleDurableAndConsistent) {
  const auto path = dir_ / "t.db";
  {
    Db writer(path, kCoalescingVfsName);
    writer.Exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
    writer.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE, v BLOB)");
    Db reader(path, nullptr);  // the default VFS, as another process would read it
    for (int i = 0; i < 300; ++i) {
      // Small rows, rows with overflow pages, and every 50th transaction a 300 KB one.
      const int size = i % 50 == 0 ? 300'000 : (i % 7) * 1500 + 10;
      writer.Exec("BEGIN; INSERT INTO t (k, v) VALUES ('k" + std::to_string(i) + "', randomblob(" +
                  std::to_string(size) + ")); UPDATE t SET v = randomblob(" + std::to_string(size) +
                  ") WHERE id = " + std::to_string(i / 2 + 1) + "; COMMIT;");
      ASSERT_EQ(reader.One("SELECT count(*) FROM t"), std::to_string(i + 1)) << "after " << i;
    }
    // A rolled-back transaction leaves nothing; a checkpoint reads the WAL back.
    writer.Exec("BEGIN; DELETE FROM t; ROLLBACK;");
    EXPECT_EQ(reader.One("SELECT count(*) FROM t"), "300");
    writer.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    writer.Exec("INSERT INTO t (k, v) VALUES ('after-checkpoint', randomblob(5000))");
    EXPECT_EQ(reader.One("SELECT count(*) FROM t"), "301");
    EXPECT_EQ(writer.One("PRAGMA integrity_check"), "ok");
  }
  Db reopened(path, nullptr);
  EXPECT_EQ(reopened.One("SELECT count(*) FROM t"), "301");
  EXPECT_EQ(reopened.One("SELECT sum(length(v)) > 6 * 300000 FROM t"), "1");
  EXPECT_EQ(reopened.One("PRAGMA integrity_check"), "ok");
}

TEST_F(CoalescingVfsTest, ManyPagesInOneTransactionAreWrittenInOrder) {
  // One transaction of ~2,000 pages: the gathered bytes are handed over in many 128 KiB writes.
  const auto path = dir_ / "big.db";
  {
    Db writer(path, kCoalescingVfsName);
    writer.Exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
    writer.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    writer.Exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
        "INSERT INTO t SELECT i, printf('%0400d', i) FROM n");
  }
  Db reopened(path, nullptr);
  EXPECT_EQ(reopened.One("SELECT count(*) FROM t"), "20000");
  EXPECT_EQ(reopened.One("SELECT v FROM t WHERE id = 12345"), std::string(395, '0') + "12345");
  EXPECT_EQ(reopened.One("PRAGMA integrity_check"), "ok");
}

TEST_F(CoalescingVfsTest, AMissingDirectoryIsAnOpenErrorNotACrash) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2((dir_ / "no" / "such" / "dir.db").c_str(), &db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, kCoalescingVfsName),
            SQLITE_CANTOPEN);
  sqlite3_close(db);
}

}  // namespace
}  // namespace licet::server
