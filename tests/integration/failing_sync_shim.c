/* A disk that refuses to sync, for tests (LD_PRELOAD): while the file named by the environment
 * variable LICET_TEST_FAIL_SYNC exists, fsync and fdatasync of a file whose name ends in "-wal"
 * (SQLite's write-ahead log) fail with EIO, as they do on a failing disk. Every other call goes to
 * the C library unchanged. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int ShouldFail(int fd) {
  const char* flag = getenv("LICET_TEST_FAIL_SYNC");
  if (flag == NULL || access(flag, F_OK) != 0) return 0;
  char link[64];
  char target[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(link, target, sizeof target - 1);
  if (n < 4) return 0;
  target[n] = '\0';
  return strcmp(target + n - 4, "-wal") == 0;
}

static int Forward(const char* name, int fd) {
  int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, name);
  if (real == NULL) {
    errno = ENOSYS;
    return -1;
  }
  return real(fd);
}

int fdatasync(int fd) {
  if (ShouldFail(fd)) {
    errno = EIO;
    return -1;
  }
  return Forward("fdatasync", fd);
}

int fsync(int fd) {
  if (ShouldFail(fd)) {
    errno = EIO;
    return -1;
  }
  return Forward("fsync", fd);
}
