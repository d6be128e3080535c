#include "lab.h"

#include <fmt/format.h>
#include <sodium.h>

#include "hardware_probe.h"

namespace licet::client {
namespace {

Status RequireLab(const Catalog& catalog, std::string_view what) {
  if (catalog.product().lab) return OkStatus();
  return Status(ErrorCode::kNotLabCatalog,
                fmt::format("{} is not a lab catalog (lab = true), so {} is refused",
                            catalog.product().id, what));
}

}  // namespace

Status AdvanceLabClock(Installation& inst, Seconds by) {
  LICET_RETURN_IF_ERROR(RequireLab(inst.catalog(), "the lab clock"));
  inst.record().lab_clock_offset_seconds += by.count();
  LICET_RETURN_IF_ERROR(inst.Save());
  LICET_RETURN_IF_ERROR(
      inst.Log(event_id::kLabClockMoved, EventLevel::kInformation,
               fmt::format("Lab clock advanced by {}; installation time is now {}",
                           FormatDurationHuman(by), FormatHuman(inst.Now()))));
  return inst.NoteForcedShutdownIfDue();
}

Status SetBackLabClock(Installation& inst, Seconds by) {
  LICET_RETURN_IF_ERROR(RequireLab(inst.catalog(), "the lab clock"));
  inst.record().lab_clock_offset_seconds -= by.count();
  LICET_RETURN_IF_ERROR(inst.Save());
  return inst.Log(
      event_id::kLabClockMoved, EventLevel::kInformation,
      fmt::format("Lab clock set back by {}: the clock reads {}, the trusted time is {}",
                  FormatDurationHuman(by), FormatHuman(inst.ClockNow()),
                  FormatHuman(inst.TrustedTime())));
}

Status ResetLabClock(Installation& inst) {
  LICET_RETURN_IF_ERROR(RequireLab(inst.catalog(), "the lab clock"));
  inst.record().lab_clock_offset_seconds = 0;
  inst.record().trusted_time = inst.ClockNow();
  LICET_RETURN_IF_ERROR(inst.ResetTrustedTimeForLab());
  return inst.Log(event_id::kLabClockMoved, EventLevel::kInformation,
                  "Lab clock reset to the machine clock");
}

Status SetLabHardware(Installation& inst, HardwareComponent component, const std::string& value) {
  LICET_RETURN_IF_ERROR(RequireLab(inst.catalog(), "simulated hardware"));
  LICET_RETURN_IF_ERROR(client::SetLabHardware(inst.root(), component, value));
  return inst.Log(event_id::kLabHardwareChanged, EventLevel::kInformation,
                  value.empty() ? fmt::format("Lab hardware: the {} can no longer be read",
                                              HardwareComponentDescription(component))
                                : fmt::format("Lab hardware: the {} is now '{}'",
                                              HardwareComponentDescription(component), value));
}

Status ResetLabHardware(Installation& inst) {
  LICET_RETURN_IF_ERROR(RequireLab(inst.catalog(), "simulated hardware"));
  LICET_RETURN_IF_ERROR(client::ResetLabHardware(inst.root()));
  return inst.Log(event_id::kLabHardwareChanged, EventLevel::kInformation,
                  "Lab hardware reset to the machine's own");
}

StatusOr<ProductKey> MintLabKey(const Catalog& catalog, std::string_view edition, Channel channel,
                                std::optional<std::uint32_t> serial) {
  LICET_RETURN_IF_ERROR(RequireLab(catalog, "minting keys"));
  if (!catalog.lab_key_mac_secret()) {
    return Status(ErrorCode::kNotLabCatalog,
                  fmt::format("{} has no [lab] insecure_key_mac_secret", catalog.product().id));
  }
  const Edition* e = catalog.FindEdition(edition);
  if (e == nullptr)
    return Status(ErrorCode::kUnknownEdition,
                  fmt::format("{} has no edition '{}'", catalog.product().id, edition));
  const Sku* sku = catalog.FindSku(e->id, channel);
  if (sku == nullptr || sku->key_groups.empty()) {
    return Status(ErrorCode::kNotFound,
                  fmt::format("{} has no {} SKU with key groups for {}", catalog.product().id,
                              ChannelName(channel), e->id));
  }
  const std::uint32_t s = serial.value_or(randombytes_uniform(kMaxKeySerial));
  return ProductKey::Generate(sku->key_groups.front(), s & kMaxKeySerial,
                              *catalog.lab_key_mac_secret());
}

}  // namespace licet::client
