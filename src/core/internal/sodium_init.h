// Calls sodium_init() once per process (thread-safe, idempotent). Needed before libsodium draws
// randomness or makes keys, and it picks libsodium's fastest implementations for this CPU.
// Verifying a signature, hashing and encoding work without it (their reference code is chosen
// statically), so paths an application's first license check runs do not call it: on a virtual
// machine sodium_init costs ~120 µs in a fresh process, of which its CPUID instructions (each a
// trap to the hypervisor, ~7 µs here) and the pages of a dozen modules it touches (RESULTS.md).
#pragma once

namespace licet::core_internal {
void EnsureSodiumInitialized();
}  // namespace licet::core_internal
