// The cost of an application's license check through the SDK's C API (include/licet/licet.h):
//  - first check in a fresh process: licet_open + the first licet_check (read the store, verify
//    the seal and the token's signature, read the hardware, compute the state), measured inside
//    each of N new processes; two baselines in the same run, in the same kind of processes: one
//    Ed25519 verification (the crypto any verified first check needs; it needs no sodium_init,
//    and neither does Licet's first check), and
//    the floor: that plus reading the three files a first check must read (store.json,
//    observed.json, the kernel's boot ID) with bare open/read/close and hashing the store (its
//    seal), with no parsing at all; also the second check, which starts the watcher thread, and
//    the first check of an application started once a day (the trusted-time mark a day old); the
//    kinds of process alternate one by one;
//  - repeated check in a running application: licet_check on an open handle, with the watcher and
//    without it (a stat of store.json per check); baseline: reading the clock and copying a
//    licet_state, the least any check returns;
//  - noticing a changed store: time from the store being replaced to a check that reflects it.
// Usage: licet_sdk_bench --root DIR [--processes 200] [--checks 5000000] [--first-only]
//        (DIR: an activated installation, e.g. made by bench/run-sdk-bench)
#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "licet/licet.h"

namespace {

using Clock = std::chrono::steady_clock;

double Micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

// Child mode: one measurement, printed in microseconds.
// Page faults so far in this process (minor and major): on this VM each costs ~10 us, several
// times what it costs on bare metal, and a first check is mostly first touches.
long PageFaults() {
  rusage r{};
  ::getrusage(RUSAGE_SELF, &r);
  return r.ru_minflt + r.ru_majflt;
}

// The steady clock is the system's monotonic clock: its readings compare across processes.
long long EpochNanos(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// The baseline's message: zeros, signed by the parent with a key pair from a zero seed.
constexpr std::size_t kSignedBytes = 400;

// The public key and the signature of that message, in hex, for the children's command line.
std::string SignedMessageHex() {
  unsigned char seed[crypto_sign_SEEDBYTES] = {};
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  unsigned char pk_and_sig[crypto_sign_PUBLICKEYBYTES + crypto_sign_BYTES];
  const unsigned char msg[kSignedBytes] = {};
  crypto_sign_seed_keypair(pk_and_sig, sk, seed);
  crypto_sign_detached(pk_and_sig + crypto_sign_PUBLICKEYBYTES, nullptr, msg, sizeof msg, sk);
  char hex[2 * sizeof pk_and_sig + 1];
  return sodium_bin2hex(hex, sizeof hex, pk_and_sig, sizeof pk_and_sig);
}

// Decodes SignedMessageHex()'s text by hand: a library decoder would warm code of its own.
bool FromHex(const std::string& hex, unsigned char* pk, unsigned char* sig) {
  if (hex.size() != 2 * (crypto_sign_PUBLICKEYBYTES + crypto_sign_BYTES)) return false;
  const auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i < hex.size() / 2; ++i) {
    const auto byte = static_cast<unsigned char>(nibble(hex[2 * i]) * 16 + nibble(hex[2 * i + 1]));
    if (i < crypto_sign_PUBLICKEYBYTES) {
      pk[i] = byte;
    } else {
      sig[i - crypto_sign_PUBLICKEYBYTES] = byte;
    }
  }
  return true;
}

// The measured part of a child prints its time (microseconds), the moment it finished
// (EpochNanos) and its page faults; a check adds two more times. Each mode has its own function,
// so that no mode's stack starts below another's buffers: the frame a call runs in decides which
// stack pages it touches first (a page fault each), and the floor's 20 KB of buffers once pushed
// the check's calls 20 KB below the stack the loader had already touched.
[[gnu::noinline]] int CheckChild(const std::string& mode, const std::string& root) {
  const long faults_at_start = PageFaults();
  const auto start = Clock::now();
  licet_open_options o{};
  o.struct_size = sizeof o;
  o.root = root.c_str();
  o.catalog = "windows-server-2022";
  if (mode == "check-nowatch") o.flags = LICET_OPEN_NO_WATCH;
  licet_installation* inst = nullptr;
  if (licet_open(&o, &inst) != LICET_OK) {
    fmt::print(stderr, "licet_open: {}\n", licet_last_error_message());
    return 1;
  }
  licet_state st{};
  st.struct_size = sizeof st;
  if (licet_check(inst, &st) != LICET_OK || st.status != LICET_STATUS_LICENSED) return 1;
  const auto end = Clock::now();
  const long faults = PageFaults() - faults_at_start;
  // The second check starts the watcher thread (paid once by an application that checks again).
  if (licet_check(inst, &st) != LICET_OK) return 1;
  const auto second_end = Clock::now();
  // The same again in the same process: what the first check costs once the code and the
  // allocator are warm (the difference is this machine's page faults and first-use costs).
  licet_installation* again = nullptr;
  const auto warm_start = Clock::now();
  if (licet_open(&o, &again) != LICET_OK || licet_check(again, &st) != LICET_OK) return 1;
  const auto warm_end = Clock::now();
  fmt::print("{:.1f} {} {} {:.1f} {:.1f}\n", Micros(end - start), EpochNanos(end), faults,
             Micros(warm_end - warm_start), Micros(second_end - end));
  std::fflush(stdout);
  std::_Exit(0);  // the watcher thread's teardown is not part of a check
}

// Baseline: one Ed25519 verification of a 400-byte message, signed by the parent (making the key
// pair and the signature here would warm the code the verification runs).
bool VerifyBaselineMessage(const unsigned char* pk, const unsigned char* sig) {
  const unsigned char msg[kSignedBytes] = {};
  return crypto_sign_verify_detached(sig, msg, sizeof msg, pk) == 0;
}

[[gnu::noinline]] int BaselineChild(const unsigned char* pk, const unsigned char* sig) {
  const long faults_at_start = PageFaults();
  const auto start = Clock::now();
  if (!VerifyBaselineMessage(pk, sig)) return 1;
  const auto end = Clock::now();
  fmt::print("{:.1f} {} {}\n", Micros(end - start), EpochNanos(end),
             PageFaults() - faults_at_start);
  return 0;
}

// The floor adds the reads a first check cannot avoid and the seal's hash, without parsing.
[[gnu::noinline]] int FloorChild(const std::string& root, const unsigned char* pk,
                                 const unsigned char* sig) {
  const auto read_small = [](const std::string& path, unsigned char* buf, std::size_t cap) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::size_t{0};
    const ssize_t n = ::read(fd, buf, cap);
    ::close(fd);
    return n > 0 ? static_cast<std::size_t>(n) : std::size_t{0};
  };
  const long faults_at_start = PageFaults();
  const auto start = Clock::now();
  unsigned char store[1 << 14];
  unsigned char observed[4096];
  unsigned char boot_id[64];
  const std::size_t store_size = read_small(root + "/store.json", store, sizeof store);
  if (store_size == 0 || read_small(root + "/observed.json", observed, sizeof observed) == 0 ||
      read_small("/proc/sys/kernel/random/boot_id", boot_id, sizeof boot_id) == 0) {
    return 1;
  }
  if (!VerifyBaselineMessage(pk, sig)) return 1;
  unsigned char seal[32];
  crypto_generichash(seal, sizeof seal, store, store_size, pk, crypto_sign_PUBLICKEYBYTES);
  asm volatile("" : : "r"(seal) : "memory");
  const auto end = Clock::now();
  fmt::print("{:.1f} {} {}\n", Micros(end - start), EpochNanos(end),
             PageFaults() - faults_at_start);
  return 0;
}

int Child(const std::string& mode, const std::string& root, const std::string& signed_hex) {
  if (mode == "check" || mode == "check-nowatch") return CheckChild(mode, root);
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sig[crypto_sign_BYTES];
  if (!FromHex(signed_hex, pk, sig)) return 1;
  if (mode == "floor") return FloorChild(root, pk, sig);
  if (mode == "baseline") return BaselineChild(pk, sig);
  return 1;
}

// Runs `n` children in `mode`; each prints its time (microseconds), the moment it finished
// (EpochNanos), its page faults and, for a check, two more times. Returns the times in run order;
// the other figures, if asked for, are appended to `faults`, `second` and `third`, and the whole
// life of each child until it finished (fork, exec, loading its libraries, the measured part) to
// `whole`. The caller sorts them once every kind of process has run.
std::vector<double> RunChildren(const char* self, const std::string& mode, const std::string& root,
                                const std::string& signed_hex, int n, std::vector<double>* faults,
                                std::vector<double>* whole, std::vector<double>* second = nullptr,
                                std::vector<double>* third = nullptr) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) {
    int pipefd[2];
    if (::pipe(pipefd) != 0) break;
    const long long forked_at = EpochNanos(Clock::now());
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(pipefd[1], 1);
      ::close(pipefd[0]);
      ::execl(self, self, "--child", mode.c_str(), "--root", root.c_str(), "--signed",
              signed_hex.c_str(), nullptr);
      ::_exit(127);
    }
    ::close(pipefd[1]);
    char buf[96] = {};
    const ssize_t got = ::read(pipefd[0], buf, sizeof buf - 1);
    ::close(pipefd[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (got > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      char* rest = nullptr;
      out.push_back(std::strtod(buf, &rest));
      const long long finished_at = std::strtoll(rest, &rest, 10);
      if (whole != nullptr) whole->push_back(static_cast<double>(finished_at - forked_at) / 1e3);
      for (std::vector<double>* more : {faults, second, third}) {
        if (rest == nullptr || *rest != ' ') break;
        const double figure = std::strtod(rest, &rest);
        if (more != nullptr) more->push_back(figure);
      }
    }
  }
  return out;
}

// observed.json with its trusted-time mark a day old, as an application started once a day finds
// it (its first check then moves the mark, which observed.json is due to keep), and back.
class DayOldMark {
 public:
  explicit DayOldMark(const std::string& root)
      : path_(std::filesystem::path(root) / "observed.json") {
    std::ifstream in(path_);
    original_.assign(std::istreambuf_iterator<char>(in), {});
    // The value of "trusted_time", a day earlier.
    const std::size_t key = original_.find("\"trusted_time\"");
    if (key == std::string::npos) return;
    const std::size_t open = original_.find('"', original_.find(':', key) + 1);
    const std::size_t close = open == std::string::npos ? open : original_.find('"', open + 1);
    if (close == std::string::npos) return;
    const std::time_t day_ago = std::time(nullptr) - 24 * 60 * 60;
    std::tm utc{};
    ::gmtime_r(&day_ago, &utc);
    char iso[32];
    std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &utc);
    stale_ = original_.substr(0, open + 1) + iso + original_.substr(close);
  }
  [[nodiscard]] bool ok() const { return !stale_.empty(); }
  void Set() const { std::ofstream(path_, std::ios::trunc) << stale_; }
  void Restore() const { std::ofstream(path_, std::ios::trunc) << original_; }

 private:
  std::filesystem::path path_;
  std::string original_;
  std::string stale_;
};

void Append(std::vector<double>& to, const std::vector<double>& more) {
  to.insert(to.end(), more.begin(), more.end());
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1))];
}

licet_installation* OpenHandle(const std::string& root, std::uint32_t flags) {
  licet_open_options o{};
  o.struct_size = sizeof o;
  o.root = root.c_str();
  o.catalog = "windows-server-2022";
  o.flags = flags;
  licet_installation* inst = nullptr;
  if (licet_open(&o, &inst) != LICET_OK) {
    fmt::print(stderr, "licet_open: {}\n", licet_last_error_message());
    std::exit(1);
  }
  return inst;
}

// ns per licet_check on an open handle.
double RepeatedCheckNs(licet_installation* inst, long checks) {
  licet_state st{};
  st.struct_size = sizeof st;
  long licensed = 0;
  const auto start = Clock::now();
  for (long i = 0; i < checks; ++i) {
    licet_check(inst, &st);
    licensed += st.status == LICET_STATUS_LICENSED ? 1 : 0;
  }
  const auto end = Clock::now();
  if (licensed != checks) fmt::print(stderr, "warning: not every check said licensed\n");
  return std::chrono::duration<double, std::nano>(end - start).count() /
         static_cast<double>(checks);
}

// The least a check can do: read the clock and copy a licet_state.
double BaselineNs(long checks) {
  licet_state src{};
  licet_state dst{};
  src.struct_size = sizeof src;
  long sum = 0;
  const auto start = Clock::now();
  for (long i = 0; i < checks; ++i) {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    src.now = ts.tv_sec;
    std::memcpy(&dst, &src, sizeof dst);
    asm volatile("" : : "r"(&dst) : "memory");
    sum += dst.now;
  }
  const auto end = Clock::now();
  if (sum == 42) fmt::print(" ");
  return std::chrono::duration<double, std::nano>(end - start).count() /
         static_cast<double>(checks);
}

// Microseconds from replacing store.json (as `licet` does: write a temp file, rename it) to the
// first check that sees the change, with the watcher.
double NoticeMicros(const std::string& root, licet_installation* inst) {
  const std::filesystem::path store = std::filesystem::path(root) / "store.json";
  std::ifstream in(store);
  const std::string good((std::istreambuf_iterator<char>(in)), {});
  std::vector<double> samples;
  licet_state st{};
  st.struct_size = sizeof st;
  for (int i = 0; i < 50; ++i) {
    const bool corrupt = i % 2 == 0;
    const std::filesystem::path tmp = store.string() + ".bench";
    std::ofstream(tmp, std::ios::trunc) << (corrupt ? std::string("{") : good);
    const auto start = Clock::now();
    std::filesystem::rename(tmp, store);
    for (;;) {
      const licet_code c = licet_check(inst, &st);
      if ((c != LICET_OK) == corrupt) break;
      if (Clock::now() - start > std::chrono::seconds(5)) break;
    }
    samples.push_back(Micros(Clock::now() - start));
  }
  std::sort(samples.begin(), samples.end());
  return Percentile(samples, 0.5);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Licet SDK check cost");
  std::string root;
  std::string child;
  std::string signed_hex;
  int processes = 200;
  long checks = 5'000'000;
  bool first_only = false;
  app.add_option("--root", root, "An activated installation")->required();
  app.add_option("--child", child,
                 "internal: measure once in this process (check|check-nowatch|baseline|floor)");
  app.add_option("--signed", signed_hex, "internal: the baseline's public key and signature");
  app.add_option("--processes", processes, "Fresh processes per measurement");
  app.add_option("--checks", checks, "Repeated checks per measurement");
  app.add_flag("--first-only", first_only, "Measure only the first check in fresh processes");
  CLI11_PARSE(app, argc, argv);
  if (!child.empty()) return Child(child, root, signed_hex);
  if (sodium_init() < 0) return 1;
  signed_hex = SignedMessageHex();

  // One process of each kind in turn, so that the machine's drift (its speed moves by a third
  // within minutes) weighs on them alike: Licet's first check, the same with a day-old mark,
  // the baseline and the floor.
  std::vector<double> first;
  std::vector<double> stale;
  std::vector<double> base;
  std::vector<double> floor;
  std::vector<double> warm;
  std::vector<double> second;
  std::vector<double> first_faults;
  std::vector<double> stale_faults;
  std::vector<double> base_faults;
  std::vector<double> floor_faults;
  std::vector<double> first_whole;
  std::vector<double> base_whole;
  std::vector<double> floor_whole;
  // Not measured: the first start in a boot records this boot's hardware in observed.json, which
  // the later ones reuse (and which the day-old mark must keep, or each check would write it).
  (void)RunChildren(argv[0], "check", root, signed_hex, 1, nullptr, nullptr);
  const DayOldMark day_old(root);
  for (int i = 0; i < processes; ++i) {
    Append(first, RunChildren(argv[0], "check", root, signed_hex, 1, &first_faults, &first_whole,
                              &warm, &second));
    if (day_old.ok()) {
      day_old.Set();
      Append(stale, RunChildren(argv[0], "check", root, signed_hex, 1, &stale_faults, nullptr));
      day_old.Restore();
    }
    Append(base, RunChildren(argv[0], "baseline", root, signed_hex, 1, &base_faults, &base_whole));
    Append(floor, RunChildren(argv[0], "floor", root, signed_hex, 1, &floor_faults, &floor_whole));
  }
  for (std::vector<double>* v :
       {&first, &stale, &base, &floor, &warm, &second, &first_faults, &stale_faults, &base_faults,
        &floor_faults, &first_whole, &base_whole, &floor_whole}) {
    std::sort(v->begin(), v->end());
  }
  if (first.empty() || base.empty() || floor.empty()) {
    fmt::print(stderr, "the child processes failed (is {} an activated installation?)\n", root);
    return 1;
  }
  fmt::print("first check in a fresh process (open + check), {} processes:\n", first.size());
  fmt::print("  licet          p50 {:8.1f} us   p90 {:8.1f} us   {:3.0f} page faults\n",
             Percentile(first, 0.5), Percentile(first, 0.9), Percentile(first_faults, 0.5));
  fmt::print(
      "  baseline       p50 {:8.1f} us   p90 {:8.1f} us   {:3.0f} page faults  (one "
      "Ed25519 verify)\n",
      Percentile(base, 0.5), Percentile(base, 0.9), Percentile(base_faults, 0.5));
  fmt::print(
      "  floor          p50 {:8.1f} us   p90 {:8.1f} us   {:3.0f} page faults  (that + read "
      "store.json, observed.json, boot_id + hash the store)\n",
      Percentile(floor, 0.5), Percentile(floor, 0.9), Percentile(floor_faults, 0.5));
  fmt::print("  ratio          {:.2f} to the baseline, {:.2f} to the floor\n",
             Percentile(first, 0.5) / Percentile(base, 0.5),
             Percentile(first, 0.5) / Percentile(floor, 0.5));
  fmt::print("  licet, the second check (starts the watcher thread): p50 {:.1f} us\n",
             Percentile(second, 0.5));
  fmt::print("  licet, a second open + check in the same process: p50 {:.1f} us\n",
             Percentile(warm, 0.5));
  // The same children from fork to the end of what they measure: what starting an application
  // that checks its license costs, library loading included (this program links liblicet.so
  // whatever it measures, so the differences are the checks).
  fmt::print(
      "  from fork to the end (exec, loading the libraries, the above): licet p50 {:.0f} us, "
      "baseline p50 {:.0f} us, floor p50 {:.0f} us\n",
      Percentile(first_whole, 0.5), Percentile(base_whole, 0.5), Percentile(floor_whole, 0.5));

  fmt::print(
      "  licet, the trusted-time mark a day old (observed.json due): p50 {:.1f} us   p90 {:.1f} us"
      "   {:.0f} page faults\n",
      Percentile(stale, 0.5), Percentile(stale, 0.9), Percentile(stale_faults, 0.5));

  if (first_only) return 0;

  licet_installation* watched = OpenHandle(root, 0);
  licet_installation* unwatched = OpenHandle(root, LICET_OPEN_NO_WATCH);
  const double baseline = BaselineNs(checks);
  const double with_watcher = RepeatedCheckNs(watched, checks);
  const double with_stat = RepeatedCheckNs(unwatched, checks / 10);
  fmt::print("repeated check on an open handle, {} checks:\n", checks);
  fmt::print("  licet (watcher)      {:7.1f} ns   ratio {:.2f}\n", with_watcher,
             with_watcher / baseline);
  fmt::print("  licet (no watcher)   {:7.1f} ns   ratio {:.2f}  (stat of store.json each check)\n",
             with_stat, with_stat / baseline);
  fmt::print("  baseline             {:7.1f} ns   (clock_gettime + copy a licet_state)\n",
             baseline);
  fmt::print("store replaced -> first check that sees it (watcher): p50 {:.0f} us\n",
             NoticeMicros(root, watched));
  licet_close(watched);
  licet_close(unwatched);
  return 0;
}
