// Deferred commit syncs (WalSync) against real SQLite files. Under the write-gathering VFS sits a
// recording one, installed as SQLite's default before anything else opens a database: it notes
// every write and sync that reaches the real files, so the tests can check what was synced and in
// which order, not only that rows arrive.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <mutex>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "coalescing_vfs.h"
#include "sqlite_test_db.h"

namespace licet::server {
namespace {

using sqlite_test::Db;

// ---- The recording VFS ----

struct Event {
  char file = 0;  // 'w' the WAL, 'd' the main database
  char op = 0;    // 'W' write, 'S' sync
  sqlite3_int64 offset = 0;
};

std::mutex events_mu;
std::vector<Event> events;

void Note(char file, char op, sqlite3_int64 offset = 0) {
  if (file == 0) return;
  std::lock_guard lock(events_mu);
  events.push_back({file, op, offset});
}
std::vector<Event> TakeEvents() {
  std::lock_guard lock(events_mu);
  return std::exchange(events, {});
}

struct RecordingFile {
  sqlite3_file base;
  sqlite3_file* real;
  char kind;  // as Event::file, or 0: not recorded
};
constexpr std::size_t kRealOffset = 64;
static_assert(sizeof(RecordingFile) <= kRealOffset);

sqlite3_vfs* real_vfs = nullptr;
RecordingFile* R(sqlite3_file* f) { return reinterpret_cast<RecordingFile*>(f); }
const sqlite3_io_methods* M(sqlite3_file* f) { return R(f)->real->pMethods; }

int Close(sqlite3_file* f) { return M(f)->xClose(R(f)->real); }
int Read(sqlite3_file* f, void* out, int n, sqlite3_int64 at) {
  return M(f)->xRead(R(f)->real, out, n, at);
}
int Write(sqlite3_file* f, const void* data, int n, sqlite3_int64 at) {
  Note(R(f)->kind, 'W', at);
  return M(f)->xWrite(R(f)->real, data, n, at);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) { return M(f)->xTruncate(R(f)->real, size); }
int Sync(sqlite3_file* f, int flags) {
  Note(R(f)->kind, 'S');
  return M(f)->xSync(R(f)->real, flags);
}
int FileSize(sqlite3_file* f, sqlite3_int64* out) { return M(f)->xFileSize(R(f)->real, out); }
int Lock(sqlite3_file* f, int level) { return M(f)->xLock(R(f)->real, level); }
int Unlock(sqlite3_file* f, int level) { return M(f)->xUnlock(R(f)->real, level); }
int CheckReserved(sqlite3_file* f, int* out) { return M(f)->xCheckReservedLock(R(f)->real, out); }
int FileControl(sqlite3_file* f, int op, void* arg) {
  return M(f)->xFileControl(R(f)->real, op, arg);
}
int SectorSize(sqlite3_file* f) { return M(f)->xSectorSize(R(f)->real); }
int Characteristics(sqlite3_file* f) { return M(f)->xDeviceCharacteristics(R(f)->real); }
int ShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return M(f)->xShmMap(R(f)->real, page, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return M(f)->xShmLock(R(f)->real, offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { M(f)->xShmBarrier(R(f)->real); }
int ShmUnmap(sqlite3_file* f, int del) { return M(f)->xShmUnmap(R(f)->real, del); }
int Fetch(sqlite3_file* f, sqlite3_int64 at, int n, void** out) {
  return M(f)->xFetch(R(f)->real, at, n, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 at, void* p) {
  return M(f)->xUnfetch(R(f)->real, at, p);
}

const sqlite3_io_methods kRecordingMethods = {
    3,        Close,         Read,        Write,      Truncate,        Sync,   FileSize, Lock,
    Unlock,   CheckReserved, FileControl, SectorSize, Characteristics, ShmMap, ShmLock,  ShmBarrier,
    ShmUnmap, Fetch,         Unfetch,
};

int Open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* f = new (file) RecordingFile{{}, nullptr, 0};
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealOffset);
  f->kind = (flags & SQLITE_OPEN_WAL) != 0 ? 'w' : (flags & SQLITE_OPEN_MAIN_DB) != 0 ? 'd' : 0;
  const int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK || f->real->pMethods == nullptr || f->real->pMethods->iVersion < 3) {
    if (f->real->pMethods != nullptr) f->real->pMethods->xClose(f->real);
    file->pMethods = nullptr;
    return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
  }
  file->pMethods = &kRecordingMethods;
  return SQLITE_OK;
}

// Installs the recording VFS as the default before any test runs (and so before the
// write-gathering VFS, registered by the first test, picks the default as the one it wraps).
class RecordingVfsEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    real_vfs = sqlite3_vfs_find(nullptr);
    ASSERT_NE(real_vfs, nullptr);
    static sqlite3_vfs vfs = *real_vfs;
    vfs.zName = "licet-test-recording";
    vfs.szOsFile = static_cast<int>(kRealOffset) + real_vfs->szOsFile;
    vfs.xOpen = Open;
    vfs.pNext = nullptr;
    ASSERT_EQ(sqlite3_vfs_register(&vfs, /*makeDflt=*/1), SQLITE_OK);
  }
};
[[maybe_unused]] ::testing::Environment* const recording_environment =
    ::testing::AddGlobalTestEnvironment(new RecordingVfsEnvironment);

std::size_t CountOf(const std::vector<Event>& log, char file, char op) {
  return static_cast<std::size_t>(std::count_if(
      log.begin(), log.end(), [&](const Event& e) { return e.file == file && e.op == op; }));
}

// ---- The tests ----

class WalSyncTest : public sqlite_test::SqliteFilesTest {
 protected:
  void SetUp() override {
    SqliteFilesTest::SetUp();
    ASSERT_STREQ(sqlite3_vfs_find(nullptr)->zName, "licet-test-recording");
  }
  // A writer in the server's configuration, with one row already committed (and synced).
  static void Configure(Db& writer) {
    writer.Exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
    writer.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    writer.Exec("INSERT INTO t (v) VALUES ('first')");
  }
};

TEST_F(WalSyncTest, DeferredCommitsAreVisibleAtOnceAndSyncedOnlyWhenAsked) {
  const auto path = dir_ / "deferred.db";
  {
    Db writer(path, kCoalescingVfsName);
    Configure(writer);
    StatusOr<std::unique_ptr<WalSync>> sync = WalSync::Attach(writer.get(), 1'000'000);
    ASSERT_TRUE(sync.ok()) << sync.status().message();
    Db reader(path, nullptr);
    TakeEvents();
    (*sync)->SetDeferred(true);
    for (int i = 0; i < 50; ++i) {
      writer.Exec("INSERT INTO t (v) VALUES (printf('%0300d', " + std::to_string(i) + "))");
      ASSERT_EQ(reader.One("SELECT count(*) FROM t"), std::to_string(i + 2));
    }
    (*sync)->SetDeferred(false);
    std::vector<Event> log = TakeEvents();
    EXPECT_EQ(CountOf(log, 'w', 'S'), 0u) << "a deferred commit waited for the disk";
    EXPECT_GE(CountOf(log, 'w', 'W'), 50u) << "every commit's frames reach the kernel";
    EXPECT_TRUE((*sync)->Sync().ok());

    // Without deferral, the same commit syncs the WAL itself (the recording sees syncs).
    writer.Exec("INSERT INTO t (v) VALUES ('in line')");
    log = TakeEvents();
    EXPECT_EQ(CountOf(log, 'w', 'S'), 1u);
  }
  Db reopened(path, nullptr);
  EXPECT_EQ(reopened.One("SELECT count(*) FROM t"), "52");
  EXPECT_EQ(reopened.One("PRAGMA integrity_check"), "ok");
}

TEST_F(WalSyncTest, CheckpointsAndNewWalHeadersStillSyncBeforeWhatDependsOnThem) {
  const auto path = dir_ / "ordered.db";
  std::vector<Event> log;
  {
    Db writer(path, kCoalescingVfsName);
    Configure(writer);
    // A checkpoint every 20 frames: 400 deferred commits go through many checkpoints and WAL
    // restarts.
    StatusOr<std::unique_ptr<WalSync>> sync = WalSync::Attach(writer.get(), 20);
    ASSERT_TRUE(sync.ok()) << sync.status().message();
    TakeEvents();
    (*sync)->SetDeferred(true);
    for (int i = 0; i < 400; ++i)
      writer.Exec("INSERT INTO t (v) VALUES (printf('%01500d', " + std::to_string(i) + "))");
    (*sync)->SetDeferred(false);
    log = TakeEvents();
    EXPECT_TRUE((*sync)->Sync().ok());
  }
  // The run went through what it is meant to test.
  const auto restarts = std::count_if(log.begin(), log.end(), [](const Event& e) {
    return e.file == 'w' && e.op == 'W' && e.offset == 0;
  });
  EXPECT_GE(restarts, 5) << "the WAL never restarted";
  EXPECT_GE(CountOf(log, 'd', 'W'), 20u) << "no checkpoint copied pages into the database";
  EXPECT_LT(CountOf(log, 'w', 'S'), 200u) << "commits were not deferred";

  bool wal_synced = true;  // every WAL write so far is synced
  for (std::size_t i = 0; i < log.size(); ++i) {
    const Event& e = log[i];
    if (e.file == 'w' && e.op == 'W') wal_synced = false;
    if (e.file == 'w' && e.op == 'S') wal_synced = true;
    // A checkpoint copies only frames that are on disk (else a crash could leave database pages
    // newer than the log that explains them).
    if (e.file == 'd' && e.op == 'W') {
      ASSERT_TRUE(wal_synced) << "event " << i;
    }
    // A new WAL header is on disk before the frames behind it (sqlite.org ticket ff5be73dee).
    if (e.file == 'w' && e.op == 'W' && e.offset == 0) {
      ASSERT_LT(i + 1, log.size());
      EXPECT_TRUE(log[i + 1].file == 'w' && log[i + 1].op == 'S') << "event " << i;
    }
  }
  Db reopened(path, nullptr);
  EXPECT_EQ(reopened.One("SELECT count(*) FROM t"), "401");
  EXPECT_EQ(reopened.One("PRAGMA integrity_check"), "ok");
}

TEST_F(WalSyncTest, AttachNeedsAWriteAheadLogOfThisVfs) {
  Db plain(dir_ / "plain.db", nullptr);
  Configure(plain);
  StatusOr<std::unique_ptr<WalSync>> sync = WalSync::Attach(plain.get(), 1000);
  ASSERT_FALSE(sync.ok());
  EXPECT_EQ(sync.status().code(), ErrorCode::kIoError);

  Db rollback(dir_ / "rollback.db", kCoalescingVfsName);
  rollback.Exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('x');");
  sync = WalSync::Attach(rollback.get(), 1000);
  ASSERT_FALSE(sync.ok());
  EXPECT_EQ(sync.status().code(), ErrorCode::kIoError);
}

}  // namespace
}  // namespace licet::server
