// LICET_LAID_OUT_CONSTANT(NAME): read-only data that an application's first license check reads,
// placed in the section .text.licet_first_check_data.NAME instead of .rodata, where the link would
// leave it pages away from the check's code. src/sdk/first_check.order lays these sections out
// with the check's code (scripts/update-first-check-order lists them), and a first check in a
// fresh process pays for each page it touches (bench/RESULTS.md, "Application SDK").
//   LICET_LAID_OUT_CONSTANT("ed25519") constexpr Fe kD{...};
#pragma once

#define LICET_LAID_OUT_CONSTANT(name) [[gnu::section(".text.licet_first_check_data." name)]]
