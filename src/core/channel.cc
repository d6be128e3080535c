#include "licet/core/channel.h"

#include <array>

#include "licet/core/ascii.h"

namespace licet {
namespace {

struct ChannelRow {
  Channel channel;
  std::string_view name;
  std::string_view description;
  std::string_view short_name;
};

constexpr std::array<ChannelRow, 7> kChannels = {{
    {Channel::kTimeBasedEval, "Retail:TB:Eval", "TIMEBASED_EVAL channel", "Eval"},
    {Channel::kRetail, "Retail", "RETAIL channel", "Retail"},
    {Channel::kOemDm, "OEM:DM", "OEM_DM channel", "OEM"},
    {Channel::kOemNonSlp, "OEM:NONSLP", "OEM_NONSLP channel", "NONSLP"},
    {Channel::kVolumeMak, "Volume:MAK", "VOLUME_MAK channel", "MAK"},
    {Channel::kVolumeGvlk, "Volume:GVLK", "VOLUME_KMSCLIENT channel", "GVLK"},
    {Channel::kVolumeCsvlk, "Volume:CSVLK", "VOLUME_KMS channel", "CSVLK"},
}};

const ChannelRow& Row(Channel channel) {
  for (const ChannelRow& row : kChannels) {
    if (row.channel == channel) return row;
  }
  return kChannels[1];  // unreachable: every enumerator has a row
}

}  // namespace

std::string_view ChannelName(Channel channel) { return Row(channel).name; }
std::string_view ChannelDescription(Channel channel) { return Row(channel).description; }

std::optional<Channel> ParseChannel(std::string_view text) {
  for (const ChannelRow& row : kChannels) {
    if (EqualsIgnoringAsciiCase(text, row.name) || EqualsIgnoringAsciiCase(text, row.short_name))
      return row.channel;
  }
  return std::nullopt;
}

bool ActivatesWithVendor(Channel channel) {
  return channel != Channel::kTimeBasedEval && channel != Channel::kVolumeGvlk;
}

}  // namespace licet
