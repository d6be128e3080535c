#include "internal/lib_crypto.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <mutex>

namespace licet::core_internal {
namespace {

// The soname Debian 12's libssl3 ships, the one the headers above describe.
constexpr const char* kLibCryptoSoname = "libcrypto.so.3";

StatusOr<LibCrypto> Load() {
  // RTLD_NOLOAD first: a process that links OpenSSL (licet-server, the CLI) has it already.
  void* handle = ::dlopen(kLibCryptoSoname, RTLD_LAZY | RTLD_LOCAL | RTLD_NOLOAD);
  if (handle == nullptr) handle = ::dlopen(kLibCryptoSoname, RTLD_LAZY | RTLD_LOCAL);
  if (handle == nullptr) {
    return Status(
        ErrorCode::kInternal,
        fmt::format("phone activation needs OpenSSL's {}: {}", kLibCryptoSoname, ::dlerror()),
        "Install it: sudo apt-get install libssl3");
  }
  LibCrypto lib;
  // The handle stays open for the life of the process: the table points into it.
#define LICET_LIBCRYPTO_LOAD(name)                                             \
  lib.name = reinterpret_cast<decltype(lib.name)>(::dlsym(handle, #name));     \
  if (lib.name == nullptr) {                                                   \
    return Status(ErrorCode::kInternal,                                        \
                  fmt::format("{} has no function " #name, kLibCryptoSoname)); \
  }
  LICET_LIBCRYPTO_FUNCTIONS(LICET_LIBCRYPTO_LOAD)
#undef LICET_LIBCRYPTO_LOAD
  return lib;
}

}  // namespace

StatusOr<const LibCrypto*> LoadLibCrypto() {
  static std::once_flag once;
  static StatusOr<LibCrypto> loaded = Status(ErrorCode::kInternal, "libcrypto not loaded");
  std::call_once(once, [] { loaded = Load(); });
  if (!loaded.ok()) return loaded.status();
  return &*loaded;
}

}  // namespace licet::core_internal
