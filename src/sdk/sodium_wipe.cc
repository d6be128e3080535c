// What the libsodium objects linked into liblicet.so call instead of the C library's
// __explicit_bzero_chk (src/sdk/CMakeLists.txt renames the reference): sodium_memzero's wipe of
// secrets and hash states, done as glibc's explicit_bzero does it, a memset the compiler may not
// drop because the memory is then handed to an empty asm statement. Laid out with the first
// check's code (first_check.order), so a fresh process's first check does not fault in a page of
// the C library for it.
#include <cstddef>
#include <cstring>

extern "C" __attribute__((visibility("hidden"))) void licet_sodium_explicit_bzero_chk(
    void* bytes, std::size_t length, std::size_t /*destination_length*/) {
  std::memset(bytes, 0, length);
  asm volatile("" : : "r"(bytes) : "memory");
}
