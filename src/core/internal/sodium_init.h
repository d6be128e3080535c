// Calls sodium_init() once per process before any libsodium use (thread-safe, idempotent).
#pragma once

namespace licet::core_internal {
void EnsureSodiumInitialized();
}  // namespace licet::core_internal
