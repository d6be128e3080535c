#include "catalog_profile.h"

#include <fmt/format.h>

#include "licet/core/encoding.h"

namespace licet::client {
namespace {

using nlohmann::json;

// Days or minutes in a policy: anything larger is not a policy but a damaged file.
constexpr int kMaxPolicyValue = 10'000'000;

Enforcement EnforcementFrom(const JsonValue& j) {
  const std::string_view name = j.string();
  for (const Enforcement e :
       {Enforcement::kNone, Enforcement::kNag, Enforcement::kForcedShutdown}) {
    if (EnforcementName(e) == name) return e;
  }
  throw JsonReadError(fmt::format("unknown enforcement {}", name));
}

}  // namespace

CatalogProfile MakeCatalogProfile(const Catalog& catalog, const Edition& edition,
                                  std::string catalog_digest) {
  return CatalogProfile{.catalog_digest = std::move(catalog_digest),
                        .product_name = catalog.product().name,
                        .lab = catalog.product().lab,
                        .edition_name = edition.name,
                        .evaluation = edition.evaluation,
                        .edition_features = edition.features,
                        .phone_public_key = catalog.vendor().phone_public_key,
                        .policy = catalog.policy()};
}

json ProfileJson(const CatalogProfile& p) {
  const Policy& q = p.policy;
  return {
      {"catalog_digest", p.catalog_digest},
      {"product_name", p.product_name},
      {"lab", p.lab},
      {"edition_name", p.edition_name},
      {"evaluation", p.evaluation},
      {"edition_features", p.edition_features},
      {"phone_public_key", p.phone_public_key ? Base64Encode(*p.phone_public_key) : ""},
      {"policy",
       {{"evaluation_days", q.evaluation_days},
        {"rearm_count", q.rearm_count},
        {"initial_grace_days", q.initial_grace_days},
        {"out_of_tolerance_grace_days", q.out_of_tolerance_grace_days},
        {"non_genuine_grace_days", q.non_genuine_grace_days},
        {"notification_enforcement", EnforcementName(q.notification_enforcement)},
        {"evaluation_expired_enforcement", EnforcementName(q.evaluation_expired_enforcement)},
        {"forced_shutdown_interval_minutes", q.forced_shutdown_interval_minutes},
        {"volume_validity_days", q.volume_validity_days},
        {"volume_renewal_minutes", q.volume_renewal_minutes},
        {"volume_retry_minutes", q.volume_retry_minutes}}},
  };
}

CatalogProfile ProfileFromJson(const JsonValue& j) {
  // In the order the members are written (sorted by name): each lookup starts where the last one
  // matched (JsonValue::find).
  CatalogProfile p;
  p.catalog_digest = j.at("catalog_digest").string();
  p.edition_features = j.at("edition_features").strings();
  p.edition_name = j.at("edition_name").string();
  p.evaluation = j.at("evaluation").boolean();
  p.lab = j.at("lab").boolean();
  if (const std::string_view key = j.at("phone_public_key").string(); !key.empty()) {
    const std::optional<std::vector<std::uint8_t>> bytes = Base64Decode(key);
    if (!bytes || bytes->size() != 21) throw JsonReadError("bad phone_public_key");
    p.phone_public_key.emplace();
    std::copy(bytes->begin(), bytes->end(), p.phone_public_key->begin());
  }
  const JsonValue q = j.at("policy");
  Policy& o = p.policy;
  // Every number of the policy: a count of days or minutes, named in the error.
  const auto number = [&q](const char* name) {
    return q.at(name).integer<int>(0, kMaxPolicyValue);
  };
  o.evaluation_days = number("evaluation_days");
  o.evaluation_expired_enforcement = EnforcementFrom(q.at("evaluation_expired_enforcement"));
  o.forced_shutdown_interval_minutes = number("forced_shutdown_interval_minutes");
  o.initial_grace_days = number("initial_grace_days");
  o.non_genuine_grace_days = number("non_genuine_grace_days");
  o.notification_enforcement = EnforcementFrom(q.at("notification_enforcement"));
  o.out_of_tolerance_grace_days = number("out_of_tolerance_grace_days");
  o.rearm_count = number("rearm_count");
  o.volume_renewal_minutes = number("volume_renewal_minutes");
  o.volume_retry_minutes = number("volume_retry_minutes");
  o.volume_validity_days = number("volume_validity_days");
  p.product_name = j.at("product_name").string();
  return p;
}

}  // namespace licet::client
