#include "host_data.h"

#include <fmt/format.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "catalog_locator.h"
#include "http_client.h"
#include "licet/core/atomic_file.h"
#include "licet/core/encoding.h"

namespace licet::volume {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string Command(const fs::path& dir, std::string_view rest) {
  return fmt::format("licet-volume {} --data {}", rest, dir.string());
}

std::string SerializeSettings(const HostSettings& s) {
  json j = {{"format", HostSettings::kFormat},
            {"host_id", s.host_id},
            {"vendor_key_id", s.vendor_key_id},
            {"vendor_public_key", s.vendor_public_key},
            {"activation_interval_minutes", s.activation_interval_minutes},
            {"renewal_interval_minutes", s.renewal_interval_minutes},
            {"dns_publishing", s.dns_publishing},
            {"dns_domain", s.dns_domain},
            {"dns_last_result", s.dns_last_result},
            {"lab_clock_offset_seconds", s.lab_clock_offset_seconds}};
  if (s.dns_last_attempt) j["dns_last_attempt"] = FormatIso8601(*s.dns_last_attempt);
  return j.dump(2) + "\n";
}

}  // namespace

TimePoint HostNow(const HostSettings& settings) {
  return SystemClock().Now() + Seconds(settings.lab_clock_offset_seconds);
}

Status SaveHostSettings(const fs::path& dir, const HostSettings& s) {
  return WriteFileAtomically(dir / "host.json", SerializeSettings(s));
}

StatusOr<HostSettings> LoadHostSettings(const fs::path& dir) {
  StatusOr<std::string> text = ReadWholeFile(dir / "host.json", 1 << 20);
  if (!text.ok()) {
    if (text.status().code() == ErrorCode::kNotFound) {
      return Status(ErrorCode::kNotInstalled,
                    fmt::format("{} is not a licet-volume data directory", dir.string()),
                    "licet-volume init --data DIR --catalog NAME --host-key CSVLK --server URL");
    }
    return text.status();
  }
  const json j = json::parse(*text, nullptr, false);
  const auto corrupt = [&](std::string_view why) {
    return Status(ErrorCode::kStoreCorrupt,
                  fmt::format("{}: {}", (dir / "host.json").string(), why),
                  "Restore host.json from a backup, or re-create the host with licet-volume init");
  };
  if (!j.is_object()) return corrupt("not a JSON object");
  try {
    if (j.at("format").get<int>() != HostSettings::kFormat) return corrupt("unknown format");
    HostSettings s;
    s.host_id = j.at("host_id").get<std::string>();
    s.vendor_key_id = j.at("vendor_key_id").get<std::string>();
    s.vendor_public_key = j.at("vendor_public_key").get<std::string>();
    s.activation_interval_minutes = j.at("activation_interval_minutes").get<std::uint32_t>();
    s.renewal_interval_minutes = j.at("renewal_interval_minutes").get<std::uint32_t>();
    s.dns_publishing = j.at("dns_publishing").get<bool>();
    s.dns_domain = j.value("dns_domain", "");
    s.dns_last_result = j.value("dns_last_result", "");
    if (j.contains("dns_last_attempt")) {
      LICET_ASSIGN_OR_RETURN(s.dns_last_attempt,
                             ParseIso8601(j["dns_last_attempt"].get<std::string>()));
    }
    s.lab_clock_offset_seconds = j.value("lab_clock_offset_seconds", std::int64_t{0});
    return s;
  } catch (const std::exception& e) {
    return corrupt(fmt::format("a field is missing or mistyped ({})", e.what()));
  }
}

Status InitHostData(const HostInitOptions& o) {
  if (fs::exists(o.data / "host.json")) {
    return Status(ErrorCode::kAlreadyInstalled,
                  fmt::format("{} already holds a volume host", o.data.string()),
                  "Use another --data directory, or activate this one: " +
                      Command(o.data, "activate --host-key CSVLK --server URL"));
  }
  StatusOr<client::CatalogSource> src = client::LocateCatalog(o.catalog);
  if (!src.ok()) {  // the locator's fix names `licet install`
    return src.status().WithFix(
        fmt::format("licet-volume init --data {} --catalog windows-server-2022 (a bundled "
                    "catalog, or the vendor's catalog file) --host-key CSVLK --server URL",
                    o.data.string()));
  }
  LICET_ASSIGN_OR_RETURN(const Catalog catalog, client::LoadCatalogTrusting(*src, o.trust_keys));
  LICET_RETURN_IF_ERROR(EnsureDirectory(o.data));
  fs::permissions(o.data, fs::perms::owner_all, fs::perm_options::replace);
  HostSettings s;
  s.host_id = RandomUuid();
  s.vendor_key_id = catalog.vendor().key_id;
  s.vendor_public_key = Base64Encode(catalog.vendor().public_key);
  s.activation_interval_minutes = static_cast<std::uint32_t>(catalog.policy().volume_retry_minutes);
  s.renewal_interval_minutes = static_cast<std::uint32_t>(catalog.policy().volume_renewal_minutes);
  const SigningKey key = SigningKey::Generate("host-" + s.host_id.substr(0, 8));
  LICET_RETURN_IF_ERROR(
      WriteFileAtomically(o.data / "host.secret", FormatSecretKeyFile(key), FileMode::kOwnerOnly));
  LICET_RETURN_IF_ERROR(WriteFileAtomically(o.data / "catalog.toml", src->text));
  return SaveHostSettings(o.data, s);  // last: its presence means "initialised"
}

StatusOr<HostData> LoadHostData(const fs::path& dir) {
  LICET_ASSIGN_OR_RETURN(HostSettings settings, LoadHostSettings(dir));
  const std::optional<std::vector<std::uint8_t>> vendor_pk =
      Base64Decode(settings.vendor_public_key);
  if (!vendor_pk || vendor_pk->size() != 32) {
    return Status(ErrorCode::kStoreCorrupt,
                  fmt::format("{}: vendor_public_key is not an Ed25519 key", dir.string()));
  }
  TrustedKey pinned{settings.vendor_key_id, {}};
  std::copy(vendor_pk->begin(), vendor_pk->end(), pinned.public_key.begin());
  LICET_ASSIGN_OR_RETURN(const std::string catalog_text, ReadWholeFile(dir / "catalog.toml"));
  LICET_ASSIGN_OR_RETURN(
      Catalog catalog,
      LoadSignedCatalog(catalog_text, (dir / "catalog.toml").string(), {&pinned, 1}));
  LICET_ASSIGN_OR_RETURN(const std::string key_text, ReadWholeFile(dir / "host.secret", 4096));
  LICET_ASSIGN_OR_RETURN(SigningKey host_key, ParseSecretKeyFile(key_text));
  std::string certificate;
  std::optional<HostCertificateClaims> certificate_claims;
  StatusOr<std::string> cert = ReadWholeFile(dir / "host.cert", 1 << 16);
  if (cert.ok()) {
    while (!cert->empty() && (cert->back() == '\n' || cert->back() == ' ')) cert->pop_back();
    StatusOr<HostCertificateClaims> claims =
        VerifyHostCertificate(*cert, catalog.vendor().public_key);
    if (!claims.ok() || claims->host_public_key != host_key.public_key) {
      return Status(
          ErrorCode::kStoreCorrupt,
          fmt::format("{} is not a certificate of this host by the vendor",
                      (dir / "host.cert").string()),
          "Activate the host again: " + Command(dir, "activate --host-key CSVLK --server URL"));
    }
    certificate = std::move(*cert);
    certificate_claims = std::move(*claims);
  } else if (cert.status().code() != ErrorCode::kNotFound) {
    return cert.status();
  }
  return HostData{.dir = dir,
                  .settings = std::move(settings),
                  .catalog = std::move(catalog),
                  .host_key = std::move(host_key),
                  .certificate = std::move(certificate),
                  .certificate_claims = std::move(certificate_claims)};
}

Status ActivateHostKey(HostData& host, const std::string& host_key, const std::string& server_url,
                       const std::string& ca_file) {
  std::uint8_t nonce_bytes[16];
  randombytes_buf(nonce_bytes, sizeof nonce_bytes);
  const std::string nonce = HexEncode(nonce_bytes);
  const json request = {{"host_key", host_key},
                        {"host_public_key", Base64Encode(host.host_key.public_key)},
                        {"host_id", host.settings.host_id},
                        {"nonce", nonce}};
  LICET_ASSIGN_OR_RETURN(const client::HttpReply reply,
                         client::PostJson(server_url + "/v1/host-activations", request.dump(),
                                          std::chrono::seconds(15), ca_file));
  if (reply.status != 200) return client::ServerErrorStatus(reply, server_url);
  const json body = json::parse(reply.body, nullptr, false);
  if (!body.is_object() || !body.contains("certificate") || !body["certificate"].is_string()) {
    return Status(ErrorCode::kServerProtocol,
                  fmt::format("{} answered without a host certificate", server_url));
  }
  const std::string certificate = body["certificate"];
  StatusOr<HostCertificateClaims> claims =
      VerifyHostCertificate(certificate, host.catalog.vendor().public_key);
  if (!claims.ok()) {
    return Status(ErrorCode::kTokenInvalid,
                  fmt::format("the server's host certificate is not signed by the vendor of {}: {}",
                              host.catalog.product().id, claims.status().message()));
  }
  if (claims->host_public_key != host.host_key.public_key || claims->nonce != nonce ||
      claims->host_id != host.settings.host_id) {
    return Status(ErrorCode::kTokenInvalid,
                  "the server's host certificate was made for another host or request");
  }
  LICET_RETURN_IF_ERROR(
      WriteFileAtomically(host.dir / "host.cert", certificate + "\n", FileMode::kWorldReadable));
  host.certificate = certificate;
  host.certificate_claims = std::move(*claims);
  return OkStatus();
}

}  // namespace licet::volume
