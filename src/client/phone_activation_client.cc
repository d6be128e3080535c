#include "phone_activation_client.h"

#include <fmt/format.h>

#include "command_hint.h"
#include "online_activation.h"

namespace licet::client {

StatusOr<phone::InstallationIdFields> InstallationIdFields(Installation& inst) {
  LICET_RETURN_IF_ERROR(CheckReadyToActivate(inst));
  InstallRecord& r = inst.record();
  if (!inst.catalog().vendor().phone_public_key) {
    return Status(ErrorCode::kNotSupported,
                  fmt::format("{} offers no phone activation", inst.catalog().product().name),
                  LicetCommand("slmgr /ato", inst.root()));
  }
  LICET_ASSIGN_OR_RETURN(const ResolvedKey key, inst.catalog().ResolveKey(r.key->key));
  if (!key.decoded || key.sku->channel == Channel::kVolumeGvlk ||
      key.sku->channel == Channel::kVolumeCsvlk) {
    return Status(
        ErrorCode::kNotSupported,
        fmt::format("a {} key does not activate by phone", ChannelName(key.sku->channel)),
        "A GVLK activates against a volume host: " + LicetCommand("slmgr /ato", inst.root()));
  }
  const std::uint32_t hardware = inst.hardware().Hash24();
  return phone::InstallationIdFields{.key_group = key.decoded->group(),
                                     .key_serial = key.decoded->serial(),
                                     .hardware_hash = hardware,
                                     .key_proof = phone::KeyProof(key.text, hardware)};
}

StatusOr<std::string> DisplayInstallationId(Installation& inst) {
  LICET_ASSIGN_OR_RETURN(const phone::InstallationIdFields f, InstallationIdFields(inst));
  if (inst.record().phone_iid_key != inst.record().key->partial) {
    inst.record().phone_iid_key = inst.record().key->partial;
    LICET_RETURN_IF_ERROR(inst.Save());
  }
  return phone::FormatInstallationId(f);
}

Status DepositConfirmationId(Installation& inst, std::string_view typed) {
  LICET_ASSIGN_OR_RETURN(const phone::InstallationIdFields iid, InstallationIdFields(inst));
  LICET_ASSIGN_OR_RETURN(const std::vector<std::uint8_t> cid, phone::ParseConfirmationId(typed));
  InstallRecord& r = inst.record();
  const Status verified = phone::VerifyConfirmationId(cid, iid, inst.catalog().product().id,
                                                      *inst.catalog().vendor().phone_public_key);
  if (!verified.ok()) {
    if (verified.code() == ErrorCode::kCidIidMismatch && !r.phone_iid_key.empty() &&
        r.phone_iid_key != r.key->partial) {
      return Status(
          ErrorCode::kCidKeyMismatch,
          fmt::format("the installation ID was read for the key ending {}; the installed "
                      "key ends {}",
                      r.phone_iid_key, r.key->partial),
          "Read the new installation ID to the vendor: " + LicetCommand("slmgr /dti", inst.root()));
    }
    return verified;
  }
  r.activation = ActivationRecord{
      .method = "phone",
      .activated_at = inst.Now(),
      .expires_at = std::nullopt,
      .token = fmt::format("iid:{};cid:{}", phone::FormatInstallationId(iid), typed),
      .hardware = HardwareId(inst)};
  LICET_RETURN_IF_ERROR(inst.Save());
  return inst.Log(
      event_id::kPhoneActivated, EventLevel::kInformation,
      fmt::format("Activated by phone (confirmation ID for key ...{})", r.key->partial));
}

}  // namespace licet::client
