#include "licet/core/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "licet/core/file_lock.h"

namespace licet {
namespace {
namespace fs = std::filesystem;

fs::path TempDir() {
  char tmpl[] = "/tmp/licet-atomic-XXXXXX";
  return fs::path(::mkdtemp(tmpl));
}

TEST(AtomicFileTest, WriteThenReadBack) {
  const fs::path dir = TempDir();
  ASSERT_TRUE(WriteFileAtomically(dir / "a.json", "first").ok());
  ASSERT_TRUE(WriteFileAtomically(dir / "a.json", "second").ok());
  EXPECT_EQ(*ReadWholeFile(dir / "a.json"), "second");
  // No temporary file is left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  fs::remove_all(dir);
}

TEST(AtomicFileTest, OwnerOnlyModeIs0600) {
  const fs::path dir = TempDir();
  ASSERT_TRUE(WriteFileAtomically(dir / "secret", "x", FileMode::kOwnerOnly).ok());
  struct stat st {};
  ASSERT_EQ(::stat((dir / "secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  fs::remove_all(dir);
}

TEST(AtomicFileTest, MissingFileIsNotFound) {
  EXPECT_EQ(ReadWholeFile("/nonexistent/licet/x").status().code(), ErrorCode::kNotFound);
}

TEST(AtomicFileTest, OversizedReadIsRefused) {
  const fs::path dir = TempDir();
  ASSERT_TRUE(WriteFileAtomically(dir / "big", std::string(100, 'x')).ok());
  EXPECT_EQ(ReadWholeFile(dir / "big", 10).status().code(), ErrorCode::kIoError);
  fs::remove_all(dir);
}

TEST(AtomicFileTest, ReadsExactlyAtEveryBoundary) {
  const fs::path dir = TempDir();
  for (const size_t size : {size_t{0}, size_t{1}, size_t{4095}, size_t{4096}, size_t{70000}}) {
    std::string content(size, 'a');
    for (size_t i = 0; i < size; ++i) content[i] = static_cast<char>('a' + i % 26);
    ASSERT_TRUE(WriteFileAtomically(dir / "f", content).ok());
    EXPECT_EQ(*ReadWholeFile(dir / "f"), content) << size;
    EXPECT_EQ(*ReadWholeFile(dir / "f", size), content) << size;  // the limit is inclusive
    if (size > 0) {
      EXPECT_EQ(ReadWholeFile(dir / "f", size - 1).status().code(), ErrorCode::kIoError) << size;
    }
    // An expected size only sizes the buffer (a short read ends the file): whole either way.
    const std::string path = (dir / "f").string();
    for (const size_t expected : {size_t{1}, size / 2 + 1, size, size + 1, 2 * size + 100}) {
      EXPECT_EQ(*ReadWholeFile(path.c_str(), 1 << 20, expected), content)
          << size << " " << expected;
    }
  }
  fs::remove_all(dir);
}

TEST(AtomicFileTest, ReadsFilesThatDoNotKnowTheirSize) {
  // /proc files report a size of 0; their content must still come whole, and within the limit.
  const StatusOr<std::string> boot_id = ReadWholeFile("/proc/sys/kernel/random/boot_id");
  ASSERT_TRUE(boot_id.ok()) << boot_id.status();
  EXPECT_EQ(boot_id->size(), 37u);  // a UUID and a newline
  const StatusOr<std::string> maps = ReadWholeFile("/proc/self/maps");
  ASSERT_TRUE(maps.ok()) << maps.status();
  EXPECT_GT(maps->size(), 1000u);
  EXPECT_NE(maps->find("[stack]"), std::string::npos);
  EXPECT_EQ(ReadWholeFile("/proc/self/maps", 100).status().code(), ErrorCode::kIoError);
}

TEST(AtomicFileTest, WriteIntoMissingDirectoryFailsCleanly) {
  const Status s = WriteFileAtomically("/nonexistent/licet/x", "data");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent/licet/x"), std::string_view::npos);
}

// A writer killed at a random point never leaves a torn file: the reader sees one of the complete
// versions. The child rewrites the file in a loop and is SIGKILLed; we check what remains.
TEST(AtomicFileTest, KilledWriterNeverLeavesATornFile) {
  const fs::path dir = TempDir();
  const std::string a(200000, 'a'), b(300000, 'b');
  ASSERT_TRUE(WriteFileAtomically(dir / "store", a).ok());
  for (int round = 0; round < 5; ++round) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      for (int i = 0;; ++i) (void)WriteFileAtomically(dir / "store", i % 2 == 0 ? b : a);
    }
    ::usleep(static_cast<useconds_t>(20000 + round * 7000));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    const StatusOr<std::string> content = ReadWholeFile(dir / "store");
    ASSERT_TRUE(content.ok());
    EXPECT_TRUE(*content == a || *content == b) << "torn file of " << content->size() << " bytes";
  }
  fs::remove_all(dir);
}

TEST(AtomicFileTest, AppendLineAppends) {
  const fs::path dir = TempDir();
  ASSERT_TRUE(AppendLineDurably(dir / "log", "one").ok());
  ASSERT_TRUE(AppendLineDurably(dir / "log", "two").ok());
  EXPECT_EQ(*ReadWholeFile(dir / "log"), "one\ntwo\n");
  fs::remove_all(dir);
}

TEST(FileLockTest, SecondExclusiveLockTimesOutWithStoreLocked) {
  const fs::path dir = TempDir();
  StatusOr<FileLock> first = FileLock::Acquire(dir / ".lock", LockMode::kExclusive);
  ASSERT_TRUE(first.ok());
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // flock locks belong to the open file description, so test from another process.
    const StatusOr<FileLock> second =
        FileLock::Acquire(dir / ".lock", LockMode::kExclusive, std::chrono::milliseconds(100));
    ::_exit(!second.ok() && second.status().code() == ErrorCode::kStoreLocked ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace licet
