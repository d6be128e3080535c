// The admin API under /v1/admin/ (docs/api/openapi.yaml), behind bearer tokens: its routes, and
// the JSON documents it answers with, which `licet-server keys show|release --json` prints too.
//   GET  /v1/admin/stats                                      admin or support
//   GET  /v1/admin/keys/{key}                                 admin or support
//   GET  /v1/admin/keys/{key}/activations?limit=N&after=SEQ   admin or support
//   POST /v1/admin/keys/{key}/block                           admin
//   POST /v1/admin/keys/{key}/machines/{machine}/release      admin
// ApiRouter::Admin (defined in admin_api.cc) serves them.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "licet/core/status.h"
#include "server_store.h"

namespace licet::server {

/// A route under /v1/admin/keys/: which one, with the key and machine its path names.
struct AdminKeyRoute {
  enum class Kind { kKey, kActivations, kBlock, kRelease };
  Kind kind = Kind::kKey;
  std::string key;      // canonical, dashed (any case and dashing is accepted)
  std::string machine;  // kRelease: a hardware ID or one of the machine's CMIDs
};

/// Parses `rest`, the path after "/v1/admin/keys/". Errors: kNotFound for a path that is no
/// admin route, kInvalidProductKey (0xC004F050) for a key segment that is no product key.
[[nodiscard]] StatusOr<AdminKeyRoute> ParseAdminKeyRoute(std::string_view rest);

[[nodiscard]] nlohmann::json KeyJson(const KeyInfo& key);
[[nodiscard]] nlohmann::json ReleasedJson(const std::string& key, const ReleasedMachine& released);
/// A key's activations: [{seq, cmid, hardware_id, created_at}, ...].
[[nodiscard]] nlohmann::json ActivationsJson(const std::vector<ActivationRow>& rows);

}  // namespace licet::server
