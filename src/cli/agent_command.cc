// `licet agent`: volume renewals when due. `--once` checks one time (for a systemd timer); without
// it the agent stays up, sleeping until the next renewal or retry is due (at most an hour at a
// time, so lab clock moves and setting changes are noticed). Unit files: packaging/systemd/.
#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "commands.h"
#include "installation.h"
#include "volume_activation.h"

namespace licet::cli {
namespace {

using client::Installation;

constexpr auto kMaxSleep = std::chrono::hours(1);

// What one pass did, for the caller to report.
struct Pass {
  Status status = OkStatus();
  bool attempted = false;
  TimePoint next{};  // installation time (lab clock included)
  Seconds wait{60};  // until `next`, in real seconds
  std::string line;
};

Pass RunPass(const CliContext& ctx) {
  Pass pass;
  StatusOr<Installation> inst = Installation::Open(client::DefaultRoot(ctx.root_flag),
                                                   client::Access::kReadWrite, *ctx.clock);
  if (!inst.ok()) {
    pass.status = inst.status();
    return pass;
  }
  const auto& key = inst->record().key;
  if (!key || key->channel != Channel::kVolumeGvlk) {
    pass.line = "No GVLK is installed: nothing for the agent to renew.";
    pass.next = inst->Now() + kMaxSleep;
    return pass;
  }
  if (!client::VolumeRenewalDue(*inst)) {
    pass.next = client::NextVolumeAttempt(*inst);
    pass.line = fmt::format("Nothing due; next volume request at {}.", FormatHuman(pass.next));
    return pass;
  }
  pass.attempted = true;
  StatusOr<client::VolumeActivationResult> r = client::ActivateVolume(*inst);
  pass.next = client::NextVolumeAttempt(*inst);
  if (!r.ok()) {
    pass.status = r.status();
    pass.line = fmt::format("Volume renewal failed; next try at {}.", FormatHuman(pass.next));
    return pass;
  }
  pass.line = fmt::format("Renewed by {} (count {}); next renewal at {}, expiry {}.", r->host,
                          r->count, FormatHuman(r->renew_after), FormatHuman(r->expires_at));
  return pass;
}

Pass RunPassTimed(const CliContext& ctx) {
  Pass p = RunPass(ctx);
  if (p.next.time_since_epoch().count() != 0) {
    StatusOr<Installation> inst = Installation::Open(client::DefaultRoot(ctx.root_flag),
                                                     client::Access::kReadOnly, *ctx.clock);
    if (inst.ok()) p.wait = std::chrono::duration_cast<Seconds>(p.next - inst->Now());
  }
  return p;
}

std::mutex g_mu;
std::condition_variable g_cv;
bool g_stop = false;

void StopOnSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread([set] {
    int sig = 0;
    sigwait(&set, &sig);
    std::lock_guard lock(g_mu);
    g_stop = true;
    g_cv.notify_all();
  }).detach();
}

int RunAgent(const CliContext& ctx, bool once) {
  if (once) {
    const Pass p = RunPass(ctx);
    if (!p.status.ok()) {
      if (!p.line.empty()) *ctx.err << p.line << "\n";
      return ReportFailure(ctx, p.status);
    }
    if (ctx.json) {
      return PrintJson(ctx, {{"attempted", p.attempted},
                             {"result", "ok"},
                             {"next", FormatIso8601(p.next)},
                             {"message", p.line}});
    }
    *ctx.out << p.line << "\n";
    return 0;
  }
  StopOnSignals();
  *ctx.out << "licet agent: renewing volume activations when due (Ctrl-C stops)\n" << std::flush;
  std::unique_lock lock(g_mu);
  while (!g_stop) {
    lock.unlock();
    const Pass p = RunPassTimed(ctx);
    *ctx.out << FormatHuman(ctx.clock->Now()) << "  " << p.line
             << (p.status.ok()
                     ? ""
                     : fmt::format(" ({} {})", FormatCode(p.status.code()), p.status.message()))
             << "\n"
             << std::flush;
    // Sleep until the next attempt, re-reading the store at least hourly. A store that cannot be
    // opened (locked by another command, say) is retried in a minute.
    const Seconds wait = std::clamp<Seconds>(p.wait, Seconds(1), kMaxSleep);
    lock.lock();
    g_cv.wait_for(lock, wait, [] { return g_stop; });
  }
  *ctx.out << "licet agent: stopped\n";
  return 0;
}

}  // namespace

void RegisterAgentCommand(CLI::App& app, CliContext& ctx, int* exit_status) {
  auto once = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "agent",
      "Renew volume (GVLK) activations when due: every 7 days by default, retrying every 2 hours "
      "while not activated");
  cmd->add_flag("--once", *once, "Check once and exit (for a systemd timer)");
  cmd->callback([&ctx, exit_status, once] { *exit_status = RunAgent(ctx, *once); });
}

}  // namespace licet::cli
