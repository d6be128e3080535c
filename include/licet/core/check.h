// File: check.h
// LICET_CHECK aborts with a message on a broken invariant ("cannot happen"); LICET_DCHECK does the
// same in debug builds only. Never use them on input from outside the process: return a Status.
#pragma once

namespace licet::core_internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition,
                              const char* message);
}  // namespace licet::core_internal

#define LICET_CHECK(cond, msg)                                                          \
  do {                                                                                  \
    if (!(cond)) ::licet::core_internal::CheckFailed(__FILE__, __LINE__, #cond, (msg)); \
  } while (false)

#ifdef NDEBUG
#define LICET_DCHECK(cond, msg) \
  do {                          \
  } while (false)
#else
#define LICET_DCHECK(cond, msg) LICET_CHECK(cond, msg)
#endif
