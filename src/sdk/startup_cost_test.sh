#!/usr/bin/env bash
# Six properties of the built liblicet.so that keep an application's start and its first license
# check cheap (bench/RESULTS.md, "Application SDK"), which nothing else would notice losing:
# 1. It needs no shared library but the C library's: libsodium, fmt and the C++ runtime are linked
#    into it (src/sdk/CMakeLists.txt). OpenSSL's libcrypto is loaded only where a confirmation
#    ID is signed (src/core/internal/lib_crypto.h), never by an application: it verifies CIDs
#    with src/core/brainpool_p160.cc.
# 2. first_check.order, the functions its link lays out side by side for a first check, still
#    names them: a function renamed or removed since leaves a name that matches nothing, and the
#    layout silently loses it. Fails when more than a quarter of the names match no function (not
#    fewer: the list comes from a Release build, and a build at another optimisation level names a
#    few clones otherwise, e.g. 9 of 110 in a RelWithDebInfo build). libsodium's members are
#    listed by section and not counted.
# 3. Its segments are aligned to 64 KiB, so that it is mapped where the laid-out functions fill as
#    few page-fault windows as they can.
# 4. Its symbols are bound at load (BIND_NOW), not lazily during a first check.
# 5. libsodium's wipe (sodium_memzero, run by every SHA-512) calls Licet's laid-out equivalent
#    (src/sdk/sodium_wipe.cc), not the C library's __explicit_bzero_chk, whose page a fresh process
#    touches for nothing else.
# 6. The laid-out functions start at a 64-KiB boundary (src/sdk/first_check_window.cc's marker,
#    which the link would drop without its -u).
#   startup_cost_test.sh LIBLICET_SO FIRST_CHECK_ORDER
set -euo pipefail
lib="$1"
order="$2"

needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "$(basename "$lib") needs: $(echo $needed)"
if echo "$needed" | grep -vE '^(libc|libm|ld-linux-x86-64)\.so'; then
  echo "liblicet.so needs more than the C library: link the library above statically, or, for" \
    "OpenSSL, reach it through LoadLibCrypto (lib_crypto.h)" >&2
  exit 1
fi

functions=$(mktemp)
listed=$(mktemp)
trap 'rm -f "$functions" "$listed"' EXIT
nm --defined-only "$lib" | awk '$2 ~ /^[tTwW]$/ { print $3 }' | sort -u > "$functions"
# libsodium's members are named by section (.text.licet_sodium.MEMBER), which nm does not list,
# and so is read-only data (.text.licet_first_check_data.NAME); static initializers are in
# .text.startup.FUNCTION.
grep '^\.text\.' "$order" | grep -vE '^\.text\.licet_(sodium|first_check_data)\.' |
  sed -E 's/^\.text\.(startup\.)?//' | sort -u > "$listed"
total=$(wc -l < "$listed")
missing=$(comm -23 "$listed" "$functions" | wc -l)
echo "first_check.order: $missing of $total functions not in $(basename "$lib")"
if [ "$total" -lt 20 ] || [ $((missing * 4)) -gt "$total" ]; then
  comm -23 "$listed" "$functions" | head -20
  echo "first_check.order is stale: run scripts/update-first-check-order and commit the result" >&2
  exit 1
fi

if ! readelf -lW "$lib" | awk '$1 == "LOAD" { print $NF }' | grep -qx 0x10000; then
  echo "liblicet.so's segments are not aligned to 64 KiB (-z max-page-size=0x10000)" >&2
  exit 1
fi
if ! readelf -d "$lib" | grep -q BIND_NOW; then
  echo "liblicet.so binds its symbols lazily (link it with -z now)" >&2
  exit 1
fi
echo "segments aligned to 64 KiB; symbols bound at load"

if nm -D --undefined-only "$lib" | grep -q explicit_bzero; then
  echo "liblicet.so calls the C library's explicit_bzero: the libsodium objects linked into it" \
    "lost their --redefine-sym (src/sdk/CMakeLists.txt)" >&2
  exit 1
fi
echo "libsodium's wipe is Licet's own"

window=$(nm "$lib" | awk '$3 == "licet_first_check_window" { print $1 }')
if [ -z "$window" ] || [ $((0x$window % 0x10000)) -ne 0 ]; then
  echo "liblicet.so's first-check code does not start a 64-KiB window (licet_first_check_window:" \
    "${window:-missing})" >&2
  exit 1
fi
echo "the first check's code starts a 64-KiB window at 0x$window"
