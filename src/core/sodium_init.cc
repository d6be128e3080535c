#include "internal/sodium_init.h"

#include <sodium.h>

#include "licet/core/check.h"

namespace licet::core_internal {

void EnsureSodiumInitialized() {
  static const bool initialized = [] {
    // sodium_init returns 1 when already initialised; only -1 is a failure (no entropy source).
    LICET_CHECK(sodium_init() >= 0, "libsodium could not be initialised");
    return true;
  }();
  (void)initialized;
}

}  // namespace licet::core_internal
