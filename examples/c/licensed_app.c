/* A small C application that enforces its license with the Licet C API (include/licet/licet.h):
 * it runs normally when licensed, shows the countdown in grace, nags in Notification, and shuts
 * itself down at the forced-shutdown deadline once an evaluation has expired.
 *
 *   licensed_app_c --catalog windows-server-2022 [--root DIR] [--feature Hyper-V]
 *                  [--interval-ms 200] [--ticks N]
 *
 * It prints one line whenever what it must do changes (the tests read these lines):
 *   state <coarse> status=<status> edition=<id> minutes_left=<n> enforcement=<e> reason=0x...
 *   nag: <explanation>
 *   shutdown at <unix time> (every <n> minutes)
 *   shutting down: <explanation>            then exits with status 3
 * Exit status: 0 after --ticks checks, 1 on an error, 2 when unlicensed, 3 on a forced shutdown.
 */
#include <licet/licet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void SleepMs(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

int main(int argc, char** argv) {
  licet_open_options options = {sizeof options};
  const char* feature = NULL;
  long interval_ms = 200;
  long ticks = -1; /* forever */
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--root") == 0)
      options.root = argv[i + 1];
    else if (strcmp(argv[i], "--catalog") == 0)
      options.catalog = argv[i + 1];
    else if (strcmp(argv[i], "--feature") == 0)
      feature = argv[i + 1];
    else if (strcmp(argv[i], "--interval-ms") == 0)
      interval_ms = atol(argv[i + 1]);
    else if (strcmp(argv[i], "--ticks") == 0)
      ticks = atol(argv[i + 1]);
    else {
      fprintf(stderr, "unknown option %s\n", argv[i]);
      return 1;
    }
  }
  setvbuf(stdout, NULL, _IOLBF, 0);

  licet_installation* inst = NULL;
  if (licet_open(&options, &inst) != LICET_OK) {
    fprintf(stderr, "licet_open: %s\n", licet_last_error_message());
    return 1;
  }
  int applied = 0;
  if (licet_apply_pending(inst, &applied) == LICET_OK && applied > 0) {
    printf("applied %d pending change(s)\n", applied);
  }

  licet_state last = {sizeof last};
  last.status = -1;
  int exit_status = 0;
  for (long tick = 0; ticks < 0 || tick < ticks; ++tick) {
    licet_state st = {sizeof st};
    if (licet_check(inst, &st) != LICET_OK) {
      fprintf(stderr, "licet_check: %s\n", licet_last_error_message());
    }
    const int changed = st.status != last.status || st.minutes_left != last.minutes_left ||
                        st.enforcement != last.enforcement || st.reason != last.reason ||
                        strcmp(st.edition, last.edition) != 0;
    if (changed) {
      printf("state %s status=%s edition=%s minutes_left=%lld enforcement=%s reason=0x%08X\n",
             licet_coarse_name(st.coarse), licet_status_name(st.status), st.edition,
             (long long)st.minutes_left, licet_enforcement_name(st.enforcement), st.reason);
      if (feature != NULL) {
        const licet_code code = licet_check_feature(inst, feature);
        printf("feature %s: %s (0x%08X)\n", feature, code == LICET_OK ? "yes" : "no", code);
      }
      if (st.enforcement == LICET_ENFORCE_NAG) printf("nag: %s\n", st.explanation);
      if (st.enforcement == LICET_ENFORCE_FORCED_SHUTDOWN && st.shutdown_at != last.shutdown_at) {
        printf("shutdown at %lld (every %lld minutes)\n", (long long)st.shutdown_at,
               (long long)st.shutdown_interval_minutes);
      }
    }
    if (st.enforcement == LICET_ENFORCE_FORCED_SHUTDOWN && st.shutdown_due) {
      printf("shutting down: %s\n", st.explanation);
      exit_status = 3;
      break;
    }
    if (st.coarse == LICET_COARSE_UNLICENSED) {
      printf("unlicensed: %s\n", st.explanation);
      exit_status = 2;
      break;
    }
    last = st;
    SleepMs(interval_ms);
  }
  licet_close(inst);
  return exit_status;
}
