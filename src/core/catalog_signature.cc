#include "licet/core/catalog_signature.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>

#include "internal/sodium_init.h"
#include "licet/core/encoding.h"
#include "licet/core/quote.h"

namespace licet {
namespace {

constexpr std::string_view kSignaturePrefix = "# licet-signature: ed25519 ";

struct SignatureLine {
  std::string_view body;
  std::string key_id;
  std::vector<std::uint8_t> signature;
};

// Finds the last line; returns nullopt when it is not a signature line.
std::optional<SignatureLine> SplitSignature(std::string_view text) {
  std::string_view trimmed = text;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r'))
    trimmed.remove_suffix(1);
  const size_t nl = trimmed.rfind('\n');
  const size_t start = nl == std::string_view::npos ? 0 : nl + 1;
  std::string_view last = trimmed.substr(start);
  if (last.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) return std::nullopt;
  last.remove_prefix(kSignaturePrefix.size());
  const size_t space = last.find(' ');
  if (space == std::string_view::npos) return SignatureLine{text.substr(0, start), "", {}};
  std::optional<std::vector<std::uint8_t>> sig = Base64Decode(last.substr(space + 1));
  return SignatureLine{text.substr(0, start), std::string(last.substr(0, space)),
                       sig.value_or(std::vector<std::uint8_t>{})};
}

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> out;
  while (!line.empty()) {
    const size_t start = line.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) break;
    line.remove_prefix(start);
    const size_t end = line.find_first_of(" \t\r\n");
    out.push_back(line.substr(0, end));
    if (end == std::string_view::npos) break;
    line.remove_prefix(end);
  }
  return out;
}

template <size_t N>
bool DecodeInto(std::string_view b64, std::array<std::uint8_t, N>& out) {
  std::optional<std::vector<std::uint8_t>> bytes = Base64Decode(b64);
  if (!bytes || bytes->size() != N) return false;
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return true;
}

}  // namespace

SigningKey SigningKey::Generate(std::string key_id) {
  core_internal::EnsureSodiumInitialized();
  SigningKey key;
  key.key_id = std::move(key_id);
  crypto_sign_keypair(key.public_key.data(), key.secret_key.data());
  return key;
}

std::string FormatPublicKeyFile(const TrustedKey& key) {
  return fmt::format("ed25519-public {} {}\n", key.key_id, Base64Encode(key.public_key));
}

std::string FormatSecretKeyFile(const SigningKey& key) {
  return fmt::format("ed25519-secret {} {}\n", key.key_id, Base64Encode(key.secret_key));
}

StatusOr<TrustedKey> ParsePublicKeyFile(std::string_view text) {
  const std::vector<std::string_view> w = Words(text);
  TrustedKey key;
  if (w.size() != 3 || w[0] != "ed25519-public" || !DecodeInto(w[2], key.public_key)) {
    return Status(ErrorCode::kInvalidArgument,
                  "a public key file holds one line: ed25519-public <key-id> <base64 of 32 bytes>");
  }
  key.key_id = std::string(w[1]);
  return key;
}

StatusOr<SigningKey> ParseSecretKeyFile(std::string_view text) {
  const std::vector<std::string_view> w = Words(text);
  SigningKey key;
  if (w.size() != 3 || w[0] != "ed25519-secret" || !DecodeInto(w[2], key.secret_key)) {
    return Status(ErrorCode::kInvalidArgument,
                  "a secret key file holds one line: ed25519-secret <key-id> <base64 of 64 bytes>");
  }
  key.key_id = std::string(w[1]);
  crypto_sign_ed25519_sk_to_pk(key.public_key.data(), key.secret_key.data());
  return key;
}

StatusOr<TrustedKey> ParseTrustedKeyArgument(std::string_view text) {
  if (Words(text).size() == 3) return ParsePublicKeyFile(text);
  TrustedKey key{.key_id = "cli", .public_key = {}};
  if (!DecodeInto(text, key.public_key)) {
    return Status(
        ErrorCode::kInvalidArgument,
        fmt::format("{} is not an Ed25519 public key (base64 of 32 bytes)", QuoteInput(text)));
  }
  return key;
}

std::string_view CatalogBody(std::string_view text) {
  std::optional<SignatureLine> line = SplitSignature(text);
  return line ? line->body : text;
}

std::string SignCatalogText(std::string_view body, const SigningKey& key) {
  core_internal::EnsureSodiumInitialized();
  std::string out(CatalogBody(body));
  if (!out.empty() && out.back() != '\n') out.push_back('\n');
  std::array<std::uint8_t, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(out.data()),
                       out.size(), key.secret_key.data());
  out += fmt::format("{}{} {}\n", kSignaturePrefix, key.key_id, Base64Encode(sig));
  return out;
}

StatusOr<Catalog> LoadSignedCatalog(std::string_view text, std::string_view source,
                                    std::span<const TrustedKey> trusted) {
  core_internal::EnsureSodiumInitialized();
  std::optional<SignatureLine> line = SplitSignature(text);
  if (!line) {
    return Status(
        ErrorCode::kCatalogSignature,
        fmt::format("{} is not signed: its last line is not a '# licet-signature:' line", source));
  }
  const auto key = std::find_if(trusted.begin(), trusted.end(),
                                [&](const TrustedKey& k) { return k.key_id == line->key_id; });
  if (key == trusted.end()) {
    return Status(
        ErrorCode::kCatalogUntrusted,
        fmt::format("{} is signed by vendor key '{}', which is not among the trusted keys", source,
                    line->key_id));
  }
  if (line->signature.size() != crypto_sign_BYTES ||
      crypto_sign_verify_detached(line->signature.data(),
                                  reinterpret_cast<const unsigned char*>(line->body.data()),
                                  line->body.size(), key->public_key.data()) != 0) {
    return Status(
        ErrorCode::kCatalogSignature,
        fmt::format(
            "{} was altered after it was signed by '{}': the signature does not match its contents",
            source, line->key_id));
  }
  LICET_ASSIGN_OR_RETURN(Catalog catalog, Catalog::Parse(line->body, source));
  if (catalog.vendor().public_key != key->public_key) {
    return Status(
        ErrorCode::kCatalogUntrusted,
        fmt::format("{}: [vendor].public_key is not the key that signed the catalog", source));
  }
  return catalog;
}

}  // namespace licet
