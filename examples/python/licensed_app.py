#!/usr/bin/env python3
"""A small Python application that enforces its license with the `licet` module: the same
behaviour and output as examples/c/licensed_app.c.

    licensed_app.py --catalog windows-server-2022 [--root DIR] [--feature Hyper-V]
                    [--interval-ms 200] [--ticks N]

Exit status: 0 after --ticks checks, 1 on an error, 2 when unlicensed, 3 on a forced shutdown.
"""
import argparse
import sys
import time

import licet


def describe(st):
    return (f"state {st.coarse} status={st.status} edition={st.edition} "
            f"minutes_left={st.minutes_left} enforcement={st.enforcement} reason=0x{st.reason:08X}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", required=True)
    parser.add_argument("--root")
    parser.add_argument("--feature")
    parser.add_argument("--interval-ms", type=int, default=200)
    parser.add_argument("--ticks", type=int, default=-1)
    args = parser.parse_args()

    try:
        inst = licet.open(catalog=args.catalog, root=args.root)
    except licet.LicetError as e:
        print(f"open: {e}", file=sys.stderr)
        return 1
    with inst:
        applied = inst.apply_pending()
        if applied:
            print(f"applied {applied} pending change(s)", flush=True)
        last = None
        tick = 0
        while args.ticks < 0 or tick < args.ticks:
            tick += 1
            st = inst.check()
            key = (st.status, st.minutes_left, st.enforcement, st.reason, st.edition)
            if last is None or key != last[0]:
                print(describe(st), flush=True)
                if args.feature:
                    try:
                        inst.check_feature(args.feature)
                        print(f"feature {args.feature}: yes (0x00000000)", flush=True)
                    except licet.LicetError as e:
                        print(f"feature {args.feature}: no (0x{e.code:08X})", flush=True)
                if st.enforcement == "nag":
                    print(f"nag: {st.explanation}", flush=True)
                if st.enforcement == "forced-shutdown" and (last is None or last[1] != st.shutdown_at):
                    print(f"shutdown at {st.shutdown_at} (every {st.shutdown_interval_minutes} minutes)",
                          flush=True)
            if st.enforcement == "forced-shutdown" and st.shutdown_due:
                print(f"shutting down: {st.explanation}", flush=True)
                return 3
            if st.coarse == "unlicensed":
                print(f"unlicensed: {st.explanation}", flush=True)
                return 2
            last = (key, st.shutdown_at)
            time.sleep(args.interval_ms / 1000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
