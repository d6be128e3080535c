// libFuzzer target for what an application reads at every start: store.json (the record, its
// catalog profile and its seal) and the activation it holds, checked as the SDK checks it.
// Invariants beyond "never crashes": a record that parses re-serialises to text whose seal matches
// and that parses to the same record; an arbitrary store never verifies as genuine with an
// activation, since nothing here holds a vendor key (the seal alone can be forged, the token not).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "install_record.h"
#include "license_integrity.h"
#include "licet/core/check.h"
#include "licet/core/hardware_binding.h"
#include "store_seal.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace licet;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)HardwareBinding::Parse(text);
  const StatusOr<client::InstallRecord> record = client::ParseRecord(text, "fuzz");
  if (!record.ok()) return 0;
  const bool sealed =
      client::StoreSealMatches(text, record->seal, record->cmid, record->vendor_public_key);
  const std::string again = client::SerializeRecord(*record);
  const StatusOr<client::InstallRecord> reparsed = client::ParseRecord(again, "fuzz");
  LICET_CHECK(reparsed.ok(), "a serialised record parses");
  LICET_CHECK(
      client::StoreSealMatches(again, reparsed->seal, reparsed->cmid, reparsed->vendor_public_key),
      "a serialised record is sealed");
  LICET_CHECK(client::SerializeRecord(*reparsed) == again, "a record round-trips");
  static const std::array<std::uint8_t, 32> kVendorKey = {1, 2, 3};
  const client::IntegrityFindings f =
      client::CheckIntegrity({.record = &*record,
                              .seal_matches = sealed,
                              .product_id = record->product_id,
                              .vendor_public_key = kVendorKey,
                              .phone_public_key = record->profile.phone_public_key},
                             HardwareBinding::FromValues({"m", "b", "n", "d", "c", "h"}));
  LICET_CHECK(!record->activation || f.tampering.has_value(),
              "no activation made without the vendor's key is genuine");
  return 0;
}
