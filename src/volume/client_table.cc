#include "client_table.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "licet/core/atomic_file.h"

namespace licet::volume {
namespace {

// One journal record: magic, CMID, hardware fingerprint, time (seconds), FNV-1a of the rest.
constexpr std::size_t kRecordSize = 40;
constexpr std::uint32_t kRecordMagic = 0x4c564a31;  // "LVJ1"
// Expired CMIDs are swept at most this often (the count may include one minute of stale CMIDs).
constexpr std::int64_t kSweepSeconds = 60;

std::uint32_t Fnv1a(const char* data, std::size_t size) {
  std::uint32_t h = 2166136261u;
  for (std::size_t i = 0; i < size; ++i) {
    h ^= static_cast<std::uint8_t>(data[i]);
    h *= 16777619u;
  }
  return h;
}

void PutU32(char* out, std::uint32_t v) {
  for (unsigned i = 0; i < 4; ++i) out[i] = static_cast<char>(v >> (24 - 8 * i));
}
void PutU64(char* out, std::uint64_t v) {
  for (unsigned i = 0; i < 8; ++i) out[i] = static_cast<char>(v >> (56 - 8 * i));
}
std::uint32_t GetU32(const char* in) {
  std::uint32_t v = 0;
  for (unsigned i = 0; i < 4; ++i) v = (v << 8) | static_cast<std::uint8_t>(in[i]);
  return v;
}
std::uint64_t GetU64(const char* in) {
  std::uint64_t v = 0;
  for (unsigned i = 0; i < 8; ++i) v = (v << 8) | static_cast<std::uint8_t>(in[i]);
  return v;
}

void AppendRecord(std::string& out, const Cmid& cmid, std::uint64_t hardware, std::int64_t seen) {
  char r[kRecordSize];
  PutU32(r, kRecordMagic);
  std::memcpy(r + 4, cmid.data(), cmid.size());
  PutU64(r + 20, hardware);
  PutU64(r + 28, static_cast<std::uint64_t>(seen));
  PutU32(r + 36, Fnv1a(r, 36));
  out.append(r, kRecordSize);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::int64_t Epoch(TimePoint t) { return t.time_since_epoch().count(); }

}  // namespace

std::optional<Cmid> ParseCmid(std::string_view uuid) {
  Cmid out{};
  std::size_t n = 0;
  int high = -1;
  for (const char c : uuid) {
    if (c == '-') continue;
    const int v = HexValue(c);
    if (v < 0 || n >= out.size()) return std::nullopt;
    if (high < 0) {
      high = v;
    } else {
      out[n++] = static_cast<std::uint8_t>(high << 4 | v);
      high = -1;
    }
  }
  if (n != out.size() || high >= 0) return std::nullopt;
  return out;
}

std::uint64_t HardwareFingerprint(std::string_view binding) {
  // FNV-1a over the whole binding text: any change of any component is a different machine here
  // (the host only needs to tell a cloned CMID on another machine from the same machine).
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const char c : binding) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

std::size_t ClientTable::CmidHash::operator()(const Cmid& c) const noexcept {
  // CMIDs are random UUIDs: eight of their bytes are already a good hash.
  std::uint64_t h = 0;
  std::memcpy(&h, c.data() + 8, sizeof h);
  return static_cast<std::size_t>(h);
}

StatusOr<std::unique_ptr<ClientTable>> ClientTable::Open(std::filesystem::path journal,
                                                         TimePoint now, Seconds window) {
  std::unique_ptr<ClientTable> table(new ClientTable(window));
  table->journal_ = std::move(journal);
  std::uintmax_t size = 0;
  LICET_ASSIGN_OR_RETURN(const std::size_t records, table->Load(size));
  table->ExpireLocked(Epoch(now));
  // Rewrite the journal when it holds a torn tail or mostly superseded records.
  if (size != records * kRecordSize || records > 2 * table->entries_.size() + 1024) {
    std::string compact;
    compact.reserve(table->entries_.size() * kRecordSize);
    for (const auto& [cmid, e] : table->entries_)
      AppendRecord(compact, cmid, e.hardware, e.last_seen);
    LICET_RETURN_IF_ERROR(WriteFileAtomically(table->journal_, compact, FileMode::kOwnerOnly));
  }
  table->fd_ = ::open(table->journal_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (table->fd_ < 0) return ErrnoStatus("open", table->journal_, errno);
  return table;
}

StatusOr<std::size_t> ClientTable::Load(std::uintmax_t& file_size) {
  std::size_t records = 0;
  StatusOr<std::string> data = ReadWholeFile(journal_, std::size_t{4} << 30);
  if (!data.ok()) {
    file_size = 0;
    if (data.status().code() == ErrorCode::kNotFound) return records;
    return data.status();
  }
  const std::string& d = *data;
  file_size = d.size();
  for (std::size_t off = 0; off + kRecordSize <= d.size(); off += kRecordSize) {
    const char* r = d.data() + off;
    // A damaged record (torn by a crash) ends the usable journal; later ones cannot be trusted.
    if (GetU32(r) != kRecordMagic || GetU32(r + 36) != Fnv1a(r, 36)) break;
    Cmid cmid;
    std::memcpy(cmid.data(), r + 4, cmid.size());
    Apply(cmid, GetU64(r + 20), static_cast<std::int64_t>(GetU64(r + 28)));
    ++records;
  }
  return records;
}

StatusOr<std::uint32_t> ClientTable::CountJournal(const std::filesystem::path& journal,
                                                  TimePoint now, Seconds window) {
  ClientTable table(window);
  table.journal_ = journal;
  std::uintmax_t size = 0;
  LICET_RETURN_IF_ERROR(table.Load(size).status());
  return table.Count(now);
}

std::unique_ptr<ClientTable> ClientTable::InMemory(Seconds window) {
  return std::unique_ptr<ClientTable>(new ClientTable(window));
}

ClientTable::~ClientTable() {
  if (fd_ >= 0) {
    (void)Sync();
    ::close(fd_);
  }
}

void ClientTable::Apply(const Cmid& cmid, std::uint64_t hardware, std::int64_t seen) {
  auto [it, inserted] = entries_.try_emplace(cmid, Entry{seen, hardware});
  if (!inserted && seen > it->second.last_seen) it->second.last_seen = seen;
}

void ClientTable::ExpireLocked(std::int64_t now) {
  if (now < next_expiry_) return;
  const std::int64_t oldest = now - window_.count();
  std::erase_if(entries_, [oldest](const auto& kv) { return kv.second.last_seen < oldest; });
  next_expiry_ = now + kSweepSeconds;
}

Sighting ClientTable::Record(const Cmid& cmid, std::uint64_t hardware, TimePoint now) {
  const std::int64_t t = Epoch(now);
  std::lock_guard lock(mu_);
  ExpireLocked(t);
  Sighting s;
  auto [it, inserted] = entries_.try_emplace(cmid, Entry{t, hardware});
  if (!inserted) {
    // A CMID older than the window counts again as new, for its new machine.
    if (it->second.last_seen < t - window_.count()) it->second.hardware = hardware;
    s.duplicate = it->second.hardware != hardware;
    it->second.last_seen = std::max(it->second.last_seen, t);
  }
  if (fd_ >= 0) AppendRecord(pending_, cmid, s.duplicate ? it->second.hardware : hardware, t);
  s.count = static_cast<std::uint32_t>(entries_.size());
  return s;
}

Status ClientTable::WriteLocked() {
  std::size_t done = 0;
  while (done < pending_.size()) {
    const ssize_t n = ::write(fd_, pending_.data() + done, pending_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", journal_, errno);
    }
    done += static_cast<std::size_t>(n);
  }
  pending_.clear();
  return OkStatus();
}

Status ClientTable::Flush() {
  std::lock_guard lock(mu_);
  if (fd_ < 0 || pending_.empty()) return OkStatus();
  return WriteLocked();
}

Status ClientTable::Sync() {
  std::lock_guard lock(mu_);
  if (fd_ < 0) return OkStatus();
  LICET_RETURN_IF_ERROR(WriteLocked());
  if (::fdatasync(fd_) != 0) return ErrnoStatus("fdatasync", journal_, errno);
  return OkStatus();
}

std::uint32_t ClientTable::Count(TimePoint now) {
  std::lock_guard lock(mu_);
  ExpireLocked(Epoch(now));
  return static_cast<std::uint32_t>(entries_.size());
}

std::size_t ClientTable::TrackedForTesting() {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace licet::volume
