// libFuzzer target for the catalog parser (TOML via toml++, then our validation) and the signature
// splitter: malformed catalogs must become LICET_E_CATALOG_INVALID / _SIGNATURE, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "licet/core/catalog.h"
#include "licet/core/catalog_signature.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const licet::StatusOr<licet::Catalog> catalog = licet::Catalog::Parse(text, "fuzz");
  if (catalog.ok()) {
    for (const licet::Edition& e : catalog->editions()) {
      for (const std::string& t : e.targets) (void)catalog->CheckConversion(e.id, t);
    }
    (void)catalog->ResolveKey(text.substr(0, 40));
  }
  (void)licet::LoadSignedCatalog(text, "fuzz", {});
  return 0;
}
