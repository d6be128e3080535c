#include "coalescing_vfs.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

namespace licet::server {
namespace {

// The default VFS writes at most 128 KiB - 1 bytes in one call (unixWrite masks the length with
// 0x1ffff), so gathered bytes never exceed that. SQLite's own writes are at most a page (64 KiB).
constexpr std::size_t kMaxGathered = 0x1ffff;

// Our file: the default VFS's file lives right after it, in the same allocation.
struct GatheringFile {
  sqlite3_file base;  // first: SQLite sees a GatheringFile as a sqlite3_file
  sqlite3_file* real = nullptr;
  bool wal = false;
  sqlite3_int64 gathered_at = 0;  // file offset of gathered[0]
  std::string gathered;           // bytes written but not yet handed to the kernel
  const char* name = nullptr;     // valid until close (SQLite's promise)
  // Deferred commit syncs (WalSync below): on while the writer commits; never defers the file's
  // first sync (it also syncs the directory that holds the new WAL) nor the one after a new WAL
  // header (a restart: out-of-order writes could otherwise revive checkpointed frames).
  bool defer_sync = false;
  bool synced_once = false;
  bool header_written = false;  // since the last real sync
};

constexpr std::size_t kRealFileOffset = (sizeof(GatheringFile) + alignof(std::max_align_t) - 1) /
                                        alignof(std::max_align_t) * alignof(std::max_align_t);

sqlite3_vfs* RealVfs(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }
GatheringFile* Self(sqlite3_file* f) { return reinterpret_cast<GatheringFile*>(f); }
const sqlite3_io_methods* RealMethods(GatheringFile* f) { return f->real->pMethods; }

// Hands the gathered bytes to the kernel (one write).
int Flush(GatheringFile* f) {
  if (f->gathered.empty()) return SQLITE_OK;
  const int rc = RealMethods(f)->xWrite(f->real, f->gathered.data(),
                                        static_cast<int>(f->gathered.size()), f->gathered_at);
  f->gathered.clear();
  return rc;
}

int Close(sqlite3_file* file) {
  GatheringFile* f = Self(file);
  const int flushed = Flush(f);
  const int rc = RealMethods(f)->xClose(f->real);
  f->~GatheringFile();
  return flushed != SQLITE_OK ? flushed : rc;
}

int Read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  GatheringFile* f = Self(file);
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  return RealMethods(f)->xRead(f->real, out, amount, offset);
}

int Write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  GatheringFile* f = Self(file);
  if (!f->wal) return RealMethods(f)->xWrite(f->real, data, amount, offset);
  if (offset == 0) f->header_written = true;
  const auto size = static_cast<sqlite3_int64>(f->gathered.size());
  const bool continues = !f->gathered.empty() && offset == f->gathered_at + size;
  if (!continues || f->gathered.size() + static_cast<std::size_t>(amount) > kMaxGathered) {
    if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
    f->gathered_at = offset;
  }
  try {
    f->gathered.append(static_cast<const char*>(data), static_cast<std::size_t>(amount));
  } catch (const std::bad_alloc&) {
    f->gathered.clear();
    return SQLITE_IOERR_NOMEM;
  }
  return SQLITE_OK;
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  GatheringFile* f = Self(file);
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  return RealMethods(f)->xTruncate(f->real, size);
}

int Sync(sqlite3_file* file, int flags) {
  GatheringFile* f = Self(file);
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  if (f->defer_sync && f->synced_once && !f->header_written) return SQLITE_OK;  // WalSync::Sync
  const int rc = RealMethods(f)->xSync(f->real, flags);
  if (rc == SQLITE_OK) {
    f->synced_once = true;
    f->header_written = false;
  }
  return rc;
}

int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  GatheringFile* f = Self(file);
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  return RealMethods(f)->xFileSize(f->real, size);
}

int Lock(sqlite3_file* file, int level) {
  return RealMethods(Self(file))->xLock(Self(file)->real, level);
}
int Unlock(sqlite3_file* file, int level) {
  return RealMethods(Self(file))->xUnlock(Self(file)->real, level);
}
int CheckReservedLock(sqlite3_file* file, int* out) {
  return RealMethods(Self(file))->xCheckReservedLock(Self(file)->real, out);
}

int FileControl(sqlite3_file* file, int op, void* arg) {
  GatheringFile* f = Self(file);
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  return RealMethods(f)->xFileControl(f->real, op, arg);
}

int SectorSize(sqlite3_file* file) {
  return RealMethods(Self(file))->xSectorSize(Self(file)->real);
}
int DeviceCharacteristics(sqlite3_file* file) {
  return RealMethods(Self(file))->xDeviceCharacteristics(Self(file)->real);
}

// The wal-index (shared memory) and memory-mapped reads: the default VFS's, unchanged.
int ShmMap(sqlite3_file* file, int page, int size, int extend, void volatile** out) {
  GatheringFile* f = Self(file);
  if (RealMethods(f)->iVersion < 2) return SQLITE_IOERR;
  return RealMethods(f)->xShmMap(f->real, page, size, extend, out);
}
int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
  GatheringFile* f = Self(file);
  if (RealMethods(f)->iVersion < 2) return SQLITE_IOERR;
  return RealMethods(f)->xShmLock(f->real, offset, n, flags);
}
void ShmBarrier(sqlite3_file* file) {
  GatheringFile* f = Self(file);
  if (RealMethods(f)->iVersion >= 2) RealMethods(f)->xShmBarrier(f->real);
}
int ShmUnmap(sqlite3_file* file, int delete_flag) {
  GatheringFile* f = Self(file);
  if (RealMethods(f)->iVersion < 2) return SQLITE_OK;
  return RealMethods(f)->xShmUnmap(f->real, delete_flag);
}
int Fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  GatheringFile* f = Self(file);
  *out = nullptr;
  if (RealMethods(f)->iVersion < 3) return SQLITE_OK;
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  return RealMethods(f)->xFetch(f->real, offset, amount, out);
}
int Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* p) {
  GatheringFile* f = Self(file);
  if (RealMethods(f)->iVersion < 3) return SQLITE_OK;
  return RealMethods(f)->xUnfetch(f->real, offset, p);
}

const sqlite3_io_methods kMethods = {
    3,
    Close,
    Read,
    Write,
    Truncate,
    Sync,
    FileSize,
    Lock,
    Unlock,
    CheckReservedLock,
    FileControl,
    SectorSize,
    DeviceCharacteristics,
    ShmMap,
    ShmLock,
    ShmBarrier,
    ShmUnmap,
    Fetch,
    Unfetch,
};

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* f = new (file) GatheringFile();
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealFileOffset);
  f->wal = (flags & SQLITE_OPEN_WAL) != 0;
  f->name = name;
  const int rc = RealVfs(vfs)->xOpen(RealVfs(vfs), name, f->real, flags, out_flags);
  if (rc != SQLITE_OK || f->real->pMethods == nullptr) {
    // SQLite calls xClose only on files whose pMethods is set.
    if (f->real->pMethods != nullptr) f->real->pMethods->xClose(f->real);
    f->~GatheringFile();
    file->pMethods = nullptr;
    return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
  }
  f->base.pMethods = &kMethods;
  return SQLITE_OK;
}

// The WAL file of `db`'s main database if this VFS opened it.
GatheringFile* WalOf(sqlite3* db) {
  sqlite3_file* journal = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &journal) != SQLITE_OK ||
      journal == nullptr || journal->pMethods != &kMethods || !Self(journal)->wal) {
    return nullptr;
  }
  return Self(journal);
}

// Everything else: the default VFS.
int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  return RealVfs(vfs)->xDelete(RealVfs(vfs), name, sync_dir);
}
int Access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return RealVfs(vfs)->xAccess(RealVfs(vfs), name, flags, out);
}
int FullPathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
  return RealVfs(vfs)->xFullPathname(RealVfs(vfs), name, n, out);
}
void* DlOpen(sqlite3_vfs* vfs, const char* name) {
  return RealVfs(vfs)->xDlOpen(RealVfs(vfs), name);
}
void DlError(sqlite3_vfs* vfs, int n, char* out) { RealVfs(vfs)->xDlError(RealVfs(vfs), n, out); }
void (*DlSym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  return RealVfs(vfs)->xDlSym(RealVfs(vfs), handle, symbol);
}
void DlClose(sqlite3_vfs* vfs, void* handle) { RealVfs(vfs)->xDlClose(RealVfs(vfs), handle); }
int Randomness(sqlite3_vfs* vfs, int n, char* out) {
  return RealVfs(vfs)->xRandomness(RealVfs(vfs), n, out);
}
int Sleep(sqlite3_vfs* vfs, int micros) { return RealVfs(vfs)->xSleep(RealVfs(vfs), micros); }
int CurrentTime(sqlite3_vfs* vfs, double* out) {
  return RealVfs(vfs)->xCurrentTime(RealVfs(vfs), out);
}
int GetLastError(sqlite3_vfs* vfs, int n, char* out) {
  return RealVfs(vfs)->xGetLastError(RealVfs(vfs), n, out);
}
int CurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return RealVfs(vfs)->xCurrentTimeInt64(RealVfs(vfs), out);
}

}  // namespace

Status RegisterCoalescingVfs() {
  static std::once_flag once;
  static int result = SQLITE_ERROR;
  static sqlite3_vfs vfs{};
  std::call_once(once, [] {
    sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
    if (real == nullptr || real->iVersion < 2) return;
    vfs.iVersion = 2;
    vfs.szOsFile = static_cast<int>(kRealFileOffset) + real->szOsFile;
    vfs.mxPathname = real->mxPathname;
    vfs.zName = kCoalescingVfsName;
    vfs.pAppData = real;
    vfs.xOpen = Open;
    vfs.xDelete = Delete;
    vfs.xAccess = Access;
    vfs.xFullPathname = FullPathname;
    vfs.xDlOpen = DlOpen;
    vfs.xDlError = DlError;
    vfs.xDlSym = DlSym;
    vfs.xDlClose = DlClose;
    vfs.xRandomness = Randomness;
    vfs.xSleep = Sleep;
    vfs.xCurrentTime = CurrentTime;
    vfs.xGetLastError = GetLastError;
    vfs.xCurrentTimeInt64 = CurrentTimeInt64;
    result = sqlite3_vfs_register(&vfs, /*makeDflt=*/0);
  });
  if (result != SQLITE_OK) {
    return Status(ErrorCode::kInternal, "cannot register the SQLite write-gathering VFS");
  }
  return OkStatus();
}

StatusOr<std::unique_ptr<WalSync>> WalSync::Attach(sqlite3* db, int checkpoint_frames) {
  const GatheringFile* wal = WalOf(db);
  if (wal == nullptr || wal->name == nullptr) {
    return Status(ErrorCode::kIoError,
                  fmt::format("{} has no write-ahead log opened through {}",
                              sqlite3_db_filename(db, "main"), kCoalescingVfsName));
  }
  const int fd = ::open(wal->name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status(ErrorCode::kIoError,
                  fmt::format("cannot open {}: {}", wal->name, std::strerror(errno)));
  }
  std::unique_ptr<WalSync> sync(new WalSync(db, fd, checkpoint_frames));
  sqlite3_wal_hook(db, &WalSync::CheckpointHook, sync.get());
  return sync;
}

WalSync::~WalSync() {
  SetDeferred(false);
  sqlite3_wal_autocheckpoint(db_, checkpoint_frames_);  // removes our hook
  ::close(fd_);
}

void WalSync::SetDeferred(bool deferred) {
  if (GatheringFile* wal = WalOf(db_)) wal->defer_sync = deferred;
}

Status WalSync::Sync() const {
  while (::fdatasync(fd_) != 0) {
    if (errno != EINTR) {
      return Status(ErrorCode::kIoError,
                    fmt::format("the disk did not confirm the activation log's writes: {}",
                                std::strerror(errno)),
                    "Check the disk and its free space, then restart licet-server");
    }
  }
  return OkStatus();
}

// Runs inside the COMMIT that filled the WAL past the threshold (as SQLite's own auto-checkpoint
// does), with deferral off: a checkpoint must sync the WAL before copying it into the database.
int WalSync::CheckpointHook(void* self, sqlite3* db, const char* schema, int frames) {
  auto* sync = static_cast<WalSync*>(self);
  if (frames < sync->checkpoint_frames_) return SQLITE_OK;
  const GatheringFile* wal = WalOf(db);
  const bool deferred = wal != nullptr && wal->defer_sync;
  sync->SetDeferred(false);
  (void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  sync->SetDeferred(deferred);
  return SQLITE_OK;
}

}  // namespace licet::server
