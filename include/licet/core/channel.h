// File: channel.h
// Distribution channels, as slmgr's "Product Key Channel" names them. A channel decides how a SKU
// is activated: a timer (evaluation), the vendor's server (Retail, OEM, MAK, host keys) or a volume
// host (GVLK).
// Thread-safe: pure functions over constants.
#pragma once

#include <optional>
#include <string_view>

namespace licet {

enum class Channel {
  kTimeBasedEval,  // "Retail:TB:Eval": evaluation editions, activated by a timer, no keys
  kRetail,         // "Retail": one key per copy
  kOemDm,          // "OEM:DM": key embedded in firmware by the OEM
  kOemNonSlp,      // "OEM:NONSLP": OEM key without firmware binding
  kVolumeMak,      // "Volume:MAK": multiple activation key with a count
  kVolumeGvlk,     // "Volume:GVLK": public volume client key, activated by a volume host only
  kVolumeCsvlk,    // "Volume:CSVLK": volume host key
};

/// "Retail:TB:Eval", "Volume:MAK", ...
[[nodiscard]] std::string_view ChannelName(Channel channel);
/// The slmgr "Description" suffix: "TIMEBASED_EVAL channel", "VOLUME_KMSCLIENT channel", ...
[[nodiscard]] std::string_view ChannelDescription(Channel channel);
/// Case-insensitive inverse of ChannelName; also accepts "GVLK", "MAK", "CSVLK", "Eval".
[[nodiscard]] std::optional<Channel> ParseChannel(std::string_view text);
/// True for channels whose keys the vendor's activation server activates online or by phone.
[[nodiscard]] bool ActivatesWithVendor(Channel channel);

}  // namespace licet
