// A small C++ application that enforces its license with the Licet C++ header (licet.hpp): the
// same behaviour and output as examples/c/licensed_app.c, with RAII and StatusOr.
//
//   licensed_app_cpp --catalog windows-server-2022 [--root DIR] [--feature Hyper-V]
//                    [--interval-ms 200] [--ticks N]
//
// Exit status: 0 after --ticks checks, 1 on an error, 2 when unlicensed, 3 on a forced shutdown.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <licet/licet.hpp>
#include <optional>
#include <string>
#include <thread>

namespace {

bool Differs(const licet::sdk::State& a, const std::optional<licet::sdk::State>& b) {
  return !b || a.status() != b->status() || a.minutes_left() != b->minutes_left() ||
         a.enforcement() != b->enforcement() || a.reason() != b->reason() ||
         a.edition() != b->edition();
}

}  // namespace

int main(int argc, char** argv) {
  licet::sdk::OpenOptions options;
  std::string feature;
  long interval_ms = 200;
  long ticks = -1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--root") {
      options.root = value;
    } else if (flag == "--catalog") {
      options.catalog = value;
    } else if (flag == "--feature") {
      feature = value;
    } else if (flag == "--interval-ms") {
      interval_ms = std::stol(value);
    } else if (flag == "--ticks") {
      ticks = std::stol(value);
    } else {
      std::cerr << "unknown option " << flag << "\n";
      return 1;
    }
  }
  std::cout << std::unitbuf;

  licet::sdk::StatusOr<licet::sdk::Installation> inst = licet::sdk::Installation::Open(options);
  if (!inst.ok()) {
    std::cerr << "open: " << inst.error().message << "\n";
    return 1;
  }
  if (licet::sdk::StatusOr<int> applied = inst->ApplyPending(); applied.ok() && *applied > 0) {
    std::cout << "applied " << *applied << " pending change(s)\n";
  }

  std::optional<licet::sdk::State> last;
  for (long tick = 0; ticks < 0 || tick < ticks; ++tick) {
    licet::sdk::StatusOr<licet::sdk::State> checked = inst->Check();
    if (!checked.ok()) std::cerr << "check: " << checked.error().message << "\n";
    const licet::sdk::State st = checked.ok() ? *checked : licet::sdk::State();
    if (Differs(st, last)) {
      char reason[16];
      std::snprintf(reason, sizeof reason, "0x%08X", st.reason());
      std::cout << "state " << licet_coarse_name(st.coarse()) << " status=" << st.status_name()
                << " edition=" << st.edition() << " minutes_left=" << st.minutes_left()
                << " enforcement=" << licet_enforcement_name(st.enforcement())
                << " reason=" << reason << "\n";
      if (!feature.empty()) {
        const licet::sdk::Status f = inst->CheckFeature(feature);
        std::snprintf(reason, sizeof reason, "0x%08X", f.code());
        std::cout << "feature " << feature << ": " << (f.ok() ? "yes" : "no") << " (" << reason
                  << ")\n";
      }
      if (st.enforcement() == LICET_ENFORCE_NAG) std::cout << "nag: " << st.explanation() << "\n";
      if (st.enforcement() == LICET_ENFORCE_FORCED_SHUTDOWN &&
          (!last || last->shutdown_at() != st.shutdown_at())) {
        std::cout << "shutdown at " << st.shutdown_at() << " (every "
                  << st.shutdown_interval_minutes() << " minutes)\n";
      }
    }
    if (st.enforcement() == LICET_ENFORCE_FORCED_SHUTDOWN && st.shutdown_due()) {
      std::cout << "shutting down: " << st.explanation() << "\n";
      return 3;
    }
    if (st.coarse() == LICET_COARSE_UNLICENSED) {
      std::cout << "unlicensed: " << st.explanation() << "\n";
      return 2;
    }
    last = st;
    std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
  }
  return 0;
}
