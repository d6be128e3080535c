// The part of the catalog an application's license check needs (product, the installation's
// edition, the policy, the phone key), written into store.json on every save. It lets an
// application check its license without parsing the TOML catalog (about a millisecond in a fresh
// process): store.json's seal covers it, and `catalog_digest` ties it to the catalog.toml it was
// made from — a catalog.toml that no longer matches is reported as tampering.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "licet/core/catalog.h"
#include "licet/core/json_reader.h"
#include "licet/core/status.h"

namespace licet::client {

struct CatalogProfile {
  std::string catalog_digest;  // ContentDigest of catalog.toml's bytes
  std::string product_name;
  bool lab = false;
  std::string edition_name;
  bool evaluation = false;
  std::vector<std::string> edition_features;  // what the edition allows
  std::optional<std::array<std::uint8_t, 21>> phone_public_key;
  Policy policy;
};

[[nodiscard]] CatalogProfile MakeCatalogProfile(const Catalog& catalog, const Edition& edition,
                                                std::string catalog_digest);

[[nodiscard]] nlohmann::json ProfileJson(const CatalogProfile& p);
/// Throws JsonReadError on a missing or mistyped member (ParseRecord turns it into
/// kStoreCorrupt).
[[nodiscard]] CatalogProfile ProfileFromJson(const JsonValue& j);

}  // namespace licet::client
