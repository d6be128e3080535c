// Builds a Catalog field by field (for the TOML parser) and validates the cross-references when
// done, so every Catalog that exists is consistent.
#pragma once

#include "licet/core/catalog.h"

namespace licet {

class CatalogBuilder {
 public:
  Product& product() { return c_.product_; }
  VendorIdentity& vendor() { return c_.vendor_; }
  Policy& policy() { return c_.policy_; }
  VolumeSettings& volume() { return c_.volume_; }
  std::string& activation_url() { return c_.activation_url_; }
  std::vector<PhoneNumber>& phone_numbers() { return c_.phone_numbers_; }
  std::vector<Feature>& features() { return c_.features_; }
  std::vector<Edition>& editions() { return c_.editions_; }
  std::vector<RefusedConversion>& refused() { return c_.refused_; }
  std::vector<Sku>& skus() { return c_.skus_; }
  std::optional<KeyMacSecret>& lab_secret() { return c_.lab_secret_; }

  /// Validates references and uniqueness, canonicalises literal keys.
  /// Errors: kCatalogInvalid naming the offending entry.
  StatusOr<Catalog> Build(std::string_view source) &&;

 private:
  Catalog c_;
};

}  // namespace licet
