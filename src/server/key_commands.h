// licet-server's key commands: issuing keys in bulk, and showing, blocking and releasing them.
//   licet-server keys generate --data DIR --edition ID --channel CHANNEL --count N
//                              [--activations M] [--out FILE]
//   licet-server keys show --data DIR KEY [--limit N] [--after SEQ] [--json]
//   licet-server keys block --data DIR KEY [--json]
//   licet-server keys release --data DIR KEY HARDWARE-ID|CMID [--json]
// Each returns the process's exit status (0 success, 1 failure).
#pragma once

#include <cstdint>
#include <string>

#include "page_query.h"

namespace licet::server {

struct GenerateArgs {
  std::string data, edition, channel, out;
  std::uint32_t count = 1;
  std::uint32_t activations = 0;
};

int GenerateKeys(const GenerateArgs& a);
/// Lists the machines of the `page` of the key's activations (and, with `json`, the activations).
int ShowKey(const std::string& data_dir, const std::string& key, const PageQuery& page, bool json);
int BlockKey(const std::string& data_dir, const std::string& key, bool json);
int ReleaseMachine(const std::string& data_dir, const std::string& key, const std::string& machine,
                   bool json);

}  // namespace licet::server
