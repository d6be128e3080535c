// libFuzzer target for the product-key parser and the other small text parsers a user's input
// reaches (normalisation, durations, times). Invariants checked, beyond "never crashes":
//  - a key that parses re-parses from its canonical text to the same fields;
//  - its canonical text has 29 characters in the key alphabet and dashes.
// Build: cmake -DLICET_FUZZ=ON with clang; run: build-fuzz/fuzz/product_key_fuzzer
// -max_total_time=30
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "licet/core/check.h"
#include "licet/core/clock.h"
#include "licet/core/product_key.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const licet::StatusOr<licet::ProductKey> key = licet::ProductKey::Parse(text);
  if (key.ok()) {
    LICET_CHECK(key->text().size() == 29, "canonical key length");
    const licet::StatusOr<licet::ProductKey> again = licet::ProductKey::Parse(key->text());
    LICET_CHECK(again.ok() && again->group() == key->group() && again->serial() == key->serial() &&
                    again->mac() == key->mac(),
                "canonical text re-parses to the same key");
  }
  (void)licet::NormalizeKeyText(text);
  (void)licet::ParseDuration(text);
  (void)licet::ParseIso8601(text);
  return 0;
}
