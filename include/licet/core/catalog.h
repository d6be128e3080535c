// File: catalog.h
// A vendor's catalog: the product, its editions, SKUs (edition x channel) and their key groups,
// conversion paths, policies and volume settings. Catalogs are TOML files signed with the vendor's
// root key; see docs/formats/catalog.md and catalog_signature.h.
//
//   LICET_ASSIGN_OR_RETURN(licet::Catalog catalog, licet::Catalog::Parse(toml_text, "acme.toml"));
//   LICET_ASSIGN_OR_RETURN(licet::ResolvedKey key, catalog.ResolveKey(typed));
//   if (key.sku->channel == licet::Channel::kVolumeGvlk) ...
//
// Thread-safe after construction (immutable). Pointers returned by the Find* functions live as long
// as the Catalog object they came from.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "licet/core/channel.h"
#include "licet/core/clock.h"
#include "licet/core/product_key.h"
#include "licet/core/status.h"

namespace licet {

struct Product {
  std::string id;              // "windows-server-2022"
  std::string name;            // "Windows Server 2022"
  std::uint32_t version = 0;   // numeric, for volume-host compatibility (host >= client)
  std::string application_id;  // UUID shared by all the product's SKUs
  bool lab = false;            // lab catalogs allow the lab clock and carry published secrets
};

struct Feature {
  std::string id;    // "Hyper-V"
  std::string name;  // "Hyper-V"
};

enum class InstallType { kDesktop, kCore };

struct Edition {
  std::string id;    // DISM edition ID, e.g. "ServerStandardEval"
  std::string name;  // "Windows Server 2022 Standard Evaluation"
  bool evaluation = false;
  InstallType install_type = InstallType::kDesktop;
  std::vector<std::string> features;  // feature IDs this edition allows
  std::vector<std::string> targets;   // editions DISM /Set-Edition may convert to
};

/// A conversion the catalog forbids explicitly, with the reason shown to the administrator.
struct RefusedConversion {
  std::string from;
  std::string to;
  std::string reason;
};

/// A well-known key listed verbatim (e.g. a public GVLK), matched before decoding.
struct LiteralKey {
  std::string key;                   // canonical, dashed
  std::string note;                  // where it comes from
  std::vector<std::string> aliases;  // other spellings accepted for it (canonical, dashed)
};

struct Sku {
  std::string activation_id;          // UUID
  std::vector<std::string> editions;  // editions this SKU licenses; the first is its own
  Channel channel = Channel::kRetail;
  std::vector<std::uint32_t> key_groups;
  std::vector<LiteralKey> literal_keys;
  std::uint32_t activations = 0;  // MAK / host key default count; 0 = channel default from policy

  [[nodiscard]] const std::string& primary_edition() const { return editions.front(); }
  [[nodiscard]] bool Licenses(std::string_view edition_id) const;
};

enum class Enforcement { kNone, kNag, kForcedShutdown };

/// Time rules. Defaults follow Windows Server (see shared/reference/windows-activation-facts.md).
struct Policy {
  int evaluation_days = 180;
  int rearm_count = 6;
  int initial_grace_days = 10;  // after a conversion or on a fresh non-evaluation install
  int out_of_tolerance_grace_days = 30;
  int non_genuine_grace_days = 30;
  Enforcement notification_enforcement = Enforcement::kForcedShutdown;
  Enforcement evaluation_expired_enforcement = Enforcement::kForcedShutdown;
  int forced_shutdown_interval_minutes = 60;
  int volume_validity_days = 180;
  int volume_renewal_minutes = 7 * 24 * 60;
  int volume_retry_minutes = 120;
  int volume_threshold = 5;
  int cmid_cache_days = 30;
  int host_key_activations = 10;
  int host_key_hosts = 6;
  int mak_activations = 100;
  int clock_skew_tolerance_minutes = 240;
};

struct VolumeSettings {
  std::string srv_service = "_vlmcs._tcp";
  std::uint16_t port = 1688;
};

struct VendorIdentity {
  std::string name;
  std::string key_id;
  std::array<std::uint8_t, 32> public_key{};  // Ed25519
  /// Verifies confirmation IDs (phone_activation.h): brainpoolP160r1, compressed. Absent: the
  /// vendor offers no phone activation.
  std::optional<std::array<std::uint8_t, 21>> phone_public_key;
};

/// A number customers call for phone activation (slui 4 lists them by country).
struct PhoneNumber {
  std::string country;
  std::string number;
};

/// What a typed key turned out to be.
struct ResolvedKey {
  std::string text;                     // canonical, dashed
  const Sku* sku = nullptr;             // never null in a returned value
  std::optional<ProductKey> decoded;    // set for encoded keys
  const LiteralKey* literal = nullptr;  // set for literal keys
  bool via_alias = false;               // typed one of the literal key's aliases
  [[nodiscard]] std::string_view partial() const { return std::string_view(text).substr(24); }
};

enum class ConversionVerdict { kAllowed, kSameEdition, kRefused, kNotATarget, kUnknownEdition };

struct ConversionCheck {
  ConversionVerdict verdict;
  std::string reason;  // for everything but kAllowed
};

class Catalog {
 public:
  /// Parses and validates a catalog body (no signature check: see LoadTrustedCatalog).
  /// `source` names the file in messages. Errors: kCatalogInvalid with the line and what is wrong.
  [[nodiscard]] static StatusOr<Catalog> Parse(std::string_view toml_text, std::string_view source);

  [[nodiscard]] const Product& product() const { return product_; }
  [[nodiscard]] const VendorIdentity& vendor() const { return vendor_; }
  [[nodiscard]] const Policy& policy() const { return policy_; }
  [[nodiscard]] const VolumeSettings& volume() const { return volume_; }
  [[nodiscard]] const std::string& activation_url() const { return activation_url_; }
  [[nodiscard]] const std::vector<PhoneNumber>& phone_numbers() const { return phone_numbers_; }
  [[nodiscard]] const std::vector<Feature>& features() const { return features_; }
  [[nodiscard]] const std::vector<Edition>& editions() const { return editions_; }
  [[nodiscard]] const std::vector<Sku>& skus() const { return skus_; }
  /// The published, insecure key-MAC secret of a lab catalog; nullopt for real catalogs.
  [[nodiscard]] const std::optional<KeyMacSecret>& lab_key_mac_secret() const {
    return lab_secret_;
  }

  /// Case-insensitive lookup, as DISM accepts "serverstandard". Null when absent.
  [[nodiscard]] const Edition* FindEdition(std::string_view id) const;
  [[nodiscard]] const Feature* FindFeature(std::string_view id) const;
  [[nodiscard]] const Sku* FindSkuByGroup(std::uint32_t group) const;
  [[nodiscard]] const Sku* FindSkuByActivationId(std::string_view activation_id) const;
  /// The SKU that licenses `edition` through `channel`, if any.
  [[nodiscard]] const Sku* FindSku(std::string_view edition, Channel channel) const;

  /// Identifies a typed key: literal keys (and their aliases) first, then decoding.
  /// Errors: kInvalidProductKey when it is malformed or belongs to no SKU of this catalog.
  [[nodiscard]] StatusOr<ResolvedKey> ResolveKey(std::string_view typed) const;

  /// May an installation of edition `from` be converted to `to`?
  [[nodiscard]] ConversionCheck CheckConversion(std::string_view from, std::string_view to) const;

 private:
  friend class CatalogBuilder;
  Catalog() = default;

  Product product_;
  VendorIdentity vendor_;
  Policy policy_;
  VolumeSettings volume_;
  std::string activation_url_;
  std::vector<PhoneNumber> phone_numbers_;
  std::vector<Feature> features_;
  std::vector<Edition> editions_;
  std::vector<RefusedConversion> refused_;
  std::vector<Sku> skus_;
  std::optional<KeyMacSecret> lab_secret_;
};

[[nodiscard]] std::string_view InstallTypeName(
    InstallType type);  // "Desktop Experience" / "Server Core"
[[nodiscard]] std::string_view EnforcementName(
    Enforcement e);  // "none" / "nag" / "forced-shutdown"

}  // namespace licet
