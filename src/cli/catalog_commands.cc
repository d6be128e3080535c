// licet catalog list|show|verify|sign|keygen, licet errors.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "catalog_locator.h"
#include "commands.h"
#include "licet/core/atomic_file.h"
#include "licet/core/catalog_signature.h"
#include "licet/core/encoding.h"
#include "licet/core/phone_activation.h"

namespace licet::cli {
namespace {

StatusOr<Catalog> LoadVerified(const std::string& name,
                               const std::vector<std::string>& extra_keys) {
  LICET_ASSIGN_OR_RETURN(client::CatalogSource src, client::LocateCatalog(name));
  return client::LoadCatalogTrusting(src, extra_keys);
}

std::string DescribeCatalog(const Catalog& c) {
  std::string out =
      fmt::format("{} ({}), version {}{}\nVendor: {} (key {})\n\nEditions:\n", c.product().name,
                  c.product().id, c.product().version, c.product().lab ? ", LAB catalog" : "",
                  c.vendor().name, c.vendor().key_id);
  for (const Edition& e : c.editions()) {
    out += fmt::format("  {:<22} {}{}\n", e.id, e.name, e.evaluation ? " [evaluation]" : "");
    out +=
        fmt::format("  {:<22}   targets: {}\n", "",
                    e.targets.empty() ? "(none)" : fmt::format("{}", fmt::join(e.targets, ", ")));
  }
  out += "\nSKUs:\n";
  for (const Sku& s : c.skus()) {
    out += fmt::format("  {}  {:<14} {}\n", s.activation_id, ChannelName(s.channel),
                       fmt::join(s.editions, ", "));
    for (const LiteralKey& l : s.literal_keys) out += fmt::format("      public key {}\n", l.key);
  }
  const Policy& p = c.policy();
  out += fmt::format(
      "\nPolicy: evaluation {} days, {} rearms, grace {} days after conversion, notification: {} "
      "(every {} min), volume validity {} days, renewal {} min, threshold {}\n",
      p.evaluation_days, p.rearm_count, p.initial_grace_days,
      EnforcementName(p.notification_enforcement), p.forced_shutdown_interval_minutes,
      p.volume_validity_days, p.volume_renewal_minutes, p.volume_threshold);
  return out;
}

nlohmann::json CatalogJson(const Catalog& c) {
  nlohmann::json editions = nlohmann::json::array(), skus = nlohmann::json::array();
  for (const Edition& e : c.editions()) {
    editions.push_back({{"id", e.id},
                        {"name", e.name},
                        {"evaluation", e.evaluation},
                        {"install_type", InstallTypeName(e.install_type)},
                        {"features", e.features},
                        {"targets", e.targets}});
  }
  for (const Sku& s : c.skus()) {
    nlohmann::json literals = nlohmann::json::array();
    for (const LiteralKey& l : s.literal_keys) literals.push_back(l.key);
    skus.push_back({{"activation_id", s.activation_id},
                    {"channel", ChannelName(s.channel)},
                    {"editions", s.editions},
                    {"key_groups", s.key_groups},
                    {"literal_keys", literals}});
  }
  return {{"product",
           {{"id", c.product().id},
            {"name", c.product().name},
            {"version", c.product().version},
            {"application_id", c.product().application_id},
            {"lab", c.product().lab}}},
          {"vendor", {{"name", c.vendor().name}, {"key_id", c.vendor().key_id}}},
          {"editions", editions},
          {"skus", skus}};
}

void RegisterShowVerify(CLI::App& catalog, CliContext& ctx, int* exit_status) {
  catalog.add_subcommand("list", "List the bundled catalogs")->callback([&ctx, exit_status] {
    const std::vector<std::string> names = client::BundledCatalogNames();
    if (ctx.json) {
      *exit_status = PrintJson(ctx, {{"catalogs", names}});
      return;
    }
    for (const std::string& n : names) *ctx.out << n << "\n";
    *exit_status = 0;
  });
  struct Args {
    std::string name;
    std::vector<std::string> keys;
  };
  for (const bool verify_only : {false, true}) {
    auto a = std::make_shared<Args>();
    CLI::App* cmd =
        verify_only ? catalog.add_subcommand("verify", "Check a catalog's signature and contents")
                    : catalog.add_subcommand("show", "Show a catalog's editions, SKUs and policy");
    cmd->add_option("catalog", a->name, "Catalog name or path")->required();
    cmd->add_option("--trust-key", a->keys, "Also trust this vendor public key");
    cmd->callback([&ctx, exit_status, a, verify_only] {
      StatusOr<Catalog> c = LoadVerified(a->name, a->keys);
      if (!c.ok()) {
        *exit_status = ReportFailure(ctx, c.status());
        return;
      }
      if (ctx.json) {
        *exit_status = PrintJson(
            ctx, verify_only ? nlohmann::json{{"verified", true}, {"product", c->product().id}}
                             : CatalogJson(*c));
        return;
      }
      *ctx.out << (verify_only
                       ? fmt::format(
                             "{}: signature verified (vendor key {}), {} editions, {} SKUs\n",
                             a->name, c->vendor().key_id, c->editions().size(), c->skus().size())
                       : DescribeCatalog(*c));
      *exit_status = 0;
    });
  }
}

void RegisterSigning(CLI::App& catalog, CliContext& ctx, int* exit_status) {
  struct Args {
    std::string key_file, path, out, key_id;
  };
  auto a = std::make_shared<Args>();
  CLI::App* sign =
      catalog.add_subcommand("sign", "Sign a catalog with the vendor's root secret key");
  sign->add_option("catalog", a->path, "Catalog file")->required();
  sign->add_option("--key", a->key_file, "Secret key file (ed25519-secret ...)")->required();
  sign->add_option("--out", a->out, "Write here instead of replacing the catalog");
  sign->callback([&ctx, exit_status, a] {
    const auto run = [&]() -> Status {
      LICET_ASSIGN_OR_RETURN(const std::string key_text, ReadWholeFile(a->key_file, 4096));
      LICET_ASSIGN_OR_RETURN(const SigningKey key, ParseSecretKeyFile(key_text));
      LICET_ASSIGN_OR_RETURN(const std::string text, ReadWholeFile(a->path, 8u << 20));
      LICET_ASSIGN_OR_RETURN(const Catalog parsed, Catalog::Parse(CatalogBody(text), a->path));
      if (parsed.vendor().public_key != key.public_key) {
        return Status(ErrorCode::kCatalogUntrusted,
                      fmt::format("{}: [vendor].public_key is not the public half of {}", a->path,
                                  a->key_file));
      }
      return WriteFileAtomically(a->out.empty() ? a->path : a->out, SignCatalogText(text, key));
    };
    const Status s = run();
    *exit_status = s.ok() ? 0 : ReportFailure(ctx, s);
    if (s.ok() && !ctx.json)
      *ctx.out << fmt::format("Signed {}\n", a->out.empty() ? a->path : a->out);
  });
  auto k = std::make_shared<Args>();
  auto phone_key_file = std::make_shared<std::string>();
  CLI::App* phone = catalog.add_subcommand(
      "phone-key", "Print the phone_public_key line a root key gives (for [vendor])");
  phone->add_option("--key", *phone_key_file, "Root secret key file")->required();
  phone->callback([&ctx, exit_status, phone_key_file] {
    const auto run = [&]() -> Status {
      LICET_ASSIGN_OR_RETURN(const std::string text, ReadWholeFile(*phone_key_file, 4096));
      LICET_ASSIGN_OR_RETURN(const SigningKey root, ParseSecretKeyFile(text));
      LICET_ASSIGN_OR_RETURN(const phone::PhoneKey key, phone::PhoneKey::FromRootKey(root));
      *ctx.out << fmt::format("phone_public_key = \"{}\"\n", Base64Encode(key.public_key));
      return OkStatus();
    };
    const Status s = run();
    *exit_status = s.ok() ? 0 : ReportFailure(ctx, s);
  });
  CLI::App* keygen =
      catalog.add_subcommand("keygen", "Make a vendor root key pair: PREFIX.secret and PREFIX.pub");
  keygen->add_option("--key-id", k->key_id, "Key identifier, e.g. acme-root-2026")->required();
  keygen->add_option("--out", k->out, "File prefix")->required();
  keygen->callback([&ctx, exit_status, k] {
    const SigningKey key = SigningKey::Generate(k->key_id);
    Status s =
        WriteFileAtomically(k->out + ".secret", FormatSecretKeyFile(key), FileMode::kOwnerOnly);
    if (s.ok())
      s = WriteFileAtomically(k->out + ".pub", FormatPublicKeyFile({key.key_id, key.public_key}));
    StatusOr<phone::PhoneKey> phone_key = phone::PhoneKey::FromRootKey(key);
    if (s.ok() && !phone_key.ok()) s = phone_key.status();
    *exit_status = s.ok() ? 0 : ReportFailure(ctx, s);
    if (s.ok() && !ctx.json) {
      *ctx.out << fmt::format(
          "Wrote {0}.secret (keep it offline) and {0}.pub\nFor the catalog's [vendor] table:\n"
          "key_id = \"{1}\"\npublic_key = \"{2}\"\nphone_public_key = \"{3}\"\n",
          k->out, key.key_id, Base64Encode(key.public_key), Base64Encode(phone_key->public_key));
    }
  });
}

void RegisterErrors(CLI::App& app, CliContext& ctx, int* exit_status) {
  auto markdown = std::make_shared<bool>(false);
  CLI::App* errors =
      app.add_subcommand("errors", "List every error code with its meaning and remedy");
  errors->add_flag("--markdown", *markdown, "Print docs/error-codes.md");
  errors->callback([&ctx, exit_status, markdown] {
    *exit_status = 0;
    if (*markdown) {
      *ctx.out << ErrorRegistryMarkdown();
      return;
    }
    nlohmann::json list = nlohmann::json::array();
    for (const ErrorInfo& e : AllErrors()) {
      if (ctx.json) {
        list.push_back({{"code", FormatCode(e.code)},
                        {"symbol", e.symbol},
                        {"category", CategoryName(e.category)},
                        {"message", e.message},
                        {"remedy", e.remedy}});
      } else {
        *ctx.out << fmt::format("{}  {:<45} {}\n", FormatCode(e.code), e.symbol, e.message);
      }
    }
    if (ctx.json) PrintJson(ctx, {{"errors", list}});
  });
}

}  // namespace

void RegisterCatalogCommands(CLI::App& app, CliContext& ctx, int* exit_status) {
  CLI::App* catalog = app.add_subcommand("catalog", "List, show, verify and sign catalogs");
  catalog->require_subcommand(1);
  RegisterShowVerify(*catalog, ctx, exit_status);
  RegisterSigning(*catalog, ctx, exit_status);
  RegisterErrors(app, ctx, exit_status);
}

}  // namespace licet::cli
