#include "licet/core/catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "internal/catalog_builder.h"
#include "licet/core/ascii.h"

namespace licet {
namespace {

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool IsProductId(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

Status Invalid(std::string_view source, std::string message) {
  return Status(ErrorCode::kCatalogInvalid, fmt::format("{}: {}", source, message));
}

Status CanonicalizeLiteral(std::string& key, std::string_view source, std::string_view sku) {
  StatusOr<std::string> compact = NormalizeKeyText(key);
  if (!compact.ok()) {
    return Invalid(source, fmt::format("SKU {} literal key: {}", sku, compact.status().message()));
  }
  key = FormatKeyGroups(*compact);
  return OkStatus();
}

Status ValidateEditions(const Catalog& c, std::string_view source) {
  if (c.editions().empty()) return Invalid(source, "the catalog has no [[editions]]");
  std::set<std::string> ids;
  for (const Feature& f : c.features()) {
    if (!ids.insert("feature:" + AsciiLower(f.id)).second)
      return Invalid(source, fmt::format("feature {} is listed twice", f.id));
  }
  for (const Edition& e : c.editions()) {
    if (!ids.insert(AsciiLower(e.id)).second)
      return Invalid(source, fmt::format("edition {} is listed twice", e.id));
    for (const std::string& f : e.features) {
      if (c.FindFeature(f) == nullptr) {
        return Invalid(
            source,
            fmt::format("edition {} allows feature {}, which is not in [[features]]", e.id, f));
      }
    }
  }
  for (const Edition& e : c.editions()) {
    for (const std::string& t : e.targets) {
      if (c.FindEdition(t) == nullptr)
        return Invalid(source, fmt::format("edition {} targets unknown edition {}", e.id, t));
      if (EqualsIgnoringAsciiCase(t, e.id))
        return Invalid(source, fmt::format("edition {} targets itself", e.id));
    }
  }
  return OkStatus();
}

Status ValidateSkus(const Catalog& c, std::string_view source) {
  std::set<std::uint32_t> groups;
  std::set<std::string> activation_ids, literals;
  for (const Sku& sku : c.skus()) {
    if (!IsUuid(sku.activation_id))
      return Invalid(source,
                     fmt::format("SKU activation_id '{}' is not a UUID", sku.activation_id));
    if (!activation_ids.insert(AsciiLower(sku.activation_id)).second) {
      return Invalid(source,
                     fmt::format("activation_id {} is used by two SKUs", sku.activation_id));
    }
    if (sku.editions.empty())
      return Invalid(source, fmt::format("SKU {} licenses no edition", sku.activation_id));
    for (const std::string& e : sku.editions) {
      const Edition* edition = c.FindEdition(e);
      if (edition == nullptr)
        return Invalid(source,
                       fmt::format("SKU {} names unknown edition {}", sku.activation_id, e));
      if (edition->evaluation != (sku.channel == Channel::kTimeBasedEval)) {
        return Invalid(
            source,
            fmt::format("SKU {}: evaluation editions take exactly the Retail:TB:Eval channel",
                        sku.activation_id));
      }
    }
    const bool has_keys = !sku.key_groups.empty() || !sku.literal_keys.empty();
    if (sku.channel == Channel::kTimeBasedEval && has_keys) {
      return Invalid(source,
                     fmt::format("SKU {}: evaluation SKUs have no keys (they run on a timer)",
                                 sku.activation_id));
    }
    if (sku.channel != Channel::kTimeBasedEval && !has_keys) {
      return Invalid(
          source, fmt::format("SKU {} has neither key_groups nor literal_keys", sku.activation_id));
    }
    for (std::uint32_t g : sku.key_groups) {
      if (!groups.insert(g).second)
        return Invalid(source, fmt::format("key group {} is used by two SKUs", g));
    }
    for (const LiteralKey& l : sku.literal_keys) {
      if (!literals.insert(l.key).second)
        return Invalid(source, fmt::format("literal key {} is listed twice", l.key));
      for (const std::string& a : l.aliases) {
        if (!literals.insert(a).second)
          return Invalid(source, fmt::format("literal key {} is listed twice", a));
      }
    }
  }
  return OkStatus();
}

}  // namespace

StatusOr<Catalog> CatalogBuilder::Build(std::string_view source) && {
  if (!IsProductId(c_.product_.id)) {
    return Invalid(
        source, fmt::format("product.id '{}' must be lower-case letters, digits, '-', '_' or '.'",
                            c_.product_.id));
  }
  if (!IsUuid(c_.product_.application_id)) {
    return Invalid(source, fmt::format("product.application_id '{}' is not a UUID",
                                       c_.product_.application_id));
  }
  for (Sku& sku : c_.skus_) {
    for (LiteralKey& l : sku.literal_keys) {
      LICET_RETURN_IF_ERROR(CanonicalizeLiteral(l.key, source, sku.activation_id));
      for (std::string& a : l.aliases)
        LICET_RETURN_IF_ERROR(CanonicalizeLiteral(a, source, sku.activation_id));
    }
  }
  LICET_RETURN_IF_ERROR(ValidateEditions(c_, source));
  LICET_RETURN_IF_ERROR(ValidateSkus(c_, source));
  for (const RefusedConversion& r : c_.refused_) {
    if (c_.FindEdition(r.from) == nullptr || c_.FindEdition(r.to) == nullptr) {
      return Invalid(source, fmt::format("refused conversion {} -> {} names an unknown edition",
                                         r.from, r.to));
    }
  }
  return std::move(c_);
}

bool Sku::Licenses(std::string_view edition_id) const {
  return std::any_of(editions.begin(), editions.end(),
                     [&](const std::string& e) { return EqualsIgnoringAsciiCase(e, edition_id); });
}

const Edition* Catalog::FindEdition(std::string_view id) const {
  for (const Edition& e : editions_) {
    if (EqualsIgnoringAsciiCase(e.id, id)) return &e;
  }
  return nullptr;
}

const Feature* Catalog::FindFeature(std::string_view id) const {
  for (const Feature& f : features_) {
    if (EqualsIgnoringAsciiCase(f.id, id)) return &f;
  }
  return nullptr;
}

const Sku* Catalog::FindSkuByGroup(std::uint32_t group) const {
  for (const Sku& sku : skus_) {
    if (std::find(sku.key_groups.begin(), sku.key_groups.end(), group) != sku.key_groups.end())
      return &sku;
  }
  return nullptr;
}

const Sku* Catalog::FindSkuByActivationId(std::string_view activation_id) const {
  for (const Sku& sku : skus_) {
    if (EqualsIgnoringAsciiCase(sku.activation_id, activation_id)) return &sku;
  }
  return nullptr;
}

const Sku* Catalog::FindSku(std::string_view edition, Channel channel) const {
  for (const Sku& sku : skus_) {
    if (sku.channel == channel && sku.Licenses(edition)) return &sku;
  }
  return nullptr;
}

StatusOr<ResolvedKey> Catalog::ResolveKey(std::string_view typed) const {
  LICET_ASSIGN_OR_RETURN(const std::string compact, NormalizeKeyText(typed));
  const std::string dashed = FormatKeyGroups(compact);
  for (const Sku& sku : skus_) {
    for (const LiteralKey& literal : sku.literal_keys) {
      const bool alias = std::find(literal.aliases.begin(), literal.aliases.end(), dashed) !=
                         literal.aliases.end();
      if (literal.key == dashed || alias) {
        return ResolvedKey{.text = literal.key,
                           .sku = &sku,
                           .decoded = std::nullopt,
                           .literal = &literal,
                           .via_alias = alias};
      }
    }
  }
  LICET_ASSIGN_OR_RETURN(ProductKey key,
                         ProductKey::Parse(typed));  // messages quote what was typed
  const Sku* sku = FindSkuByGroup(key.group());
  if (sku == nullptr) {
    return Status(
        ErrorCode::kInvalidProductKey,
        fmt::format(
            "{} is a well-formed key, but not one of {}'s: its key group {} is not in this catalog",
            key.text(), product_.name, key.group()));
  }
  std::string text = key.text();
  return ResolvedKey{.text = std::move(text),
                     .sku = sku,
                     .decoded = std::move(key),
                     .literal = nullptr,
                     .via_alias = false};
}

ConversionCheck Catalog::CheckConversion(std::string_view from, std::string_view to) const {
  const Edition* source = FindEdition(from);
  const Edition* target = FindEdition(to);
  if (source == nullptr || target == nullptr) {
    return {
        ConversionVerdict::kUnknownEdition,
        fmt::format("{} has no edition named {}", product_.name, source == nullptr ? from : to)};
  }
  if (source == target) {
    return {ConversionVerdict::kSameEdition,
            fmt::format("the installation is already {}", source->id)};
  }
  for (const RefusedConversion& r : refused_) {
    if (EqualsIgnoringAsciiCase(r.from, source->id) && EqualsIgnoringAsciiCase(r.to, target->id)) {
      return {ConversionVerdict::kRefused, r.reason};
    }
  }
  for (const std::string& t : source->targets) {
    if (EqualsIgnoringAsciiCase(t, target->id)) return {ConversionVerdict::kAllowed, {}};
  }
  return {ConversionVerdict::kNotATarget,
          fmt::format("{} is not a target edition of {}", target->id, source->id)};
}

std::string_view InstallTypeName(InstallType type) {
  return type == InstallType::kCore ? "Server Core" : "Desktop Experience";
}

std::string_view EnforcementName(Enforcement e) {
  switch (e) {
    case Enforcement::kNone:
      return "none";
    case Enforcement::kNag:
      return "nag";
    case Enforcement::kForcedShutdown:
      return "forced-shutdown";
  }
  return "none";
}

}  // namespace licet
