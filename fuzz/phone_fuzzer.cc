// libFuzzer target for the phone activation parsers: installation IDs and confirmation IDs as a
// user types them. Invariants beyond "never crashes": an IID that parses re-formats to text that
// parses to the same fields; a CID that parses never verifies for a fixed IID (nothing but the
// vendor's key can make one, and the fuzzer does not have it).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "licet/core/check.h"
#include "licet/core/phone_activation.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace phone = licet::phone;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const licet::StatusOr<phone::InstallationIdFields> iid = phone::ParseInstallationId(text);
  if (iid.ok()) {
    const auto again = phone::ParseInstallationId(phone::FormatInstallationId(*iid));
    LICET_CHECK(again.ok() && *again == *iid, "a parsed IID round-trips");
  }
  const licet::StatusOr<std::vector<std::uint8_t>> cid = phone::ParseConfirmationId(text);
  if (cid.ok()) {
    static const auto key = phone::PhoneKey::Derive("fuzz");
    const licet::Status verified = phone::VerifyConfirmationId(
        *cid, {.key_group = 1, .key_serial = 2, .hardware_hash = 3, .key_proof = 4}, "fuzz",
        key->public_key);
    LICET_CHECK(!verified.ok(), "no forged CID verifies");
  }
  (void)phone::CheckGroup(text, 1);
  return 0;
}
