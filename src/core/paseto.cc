#include "licet/core/paseto.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <optional>

#include "internal/ed25519_verify.h"
#include "internal/sodium_init.h"
#include "licet/core/encoding.h"

namespace licet::paseto {
namespace {

// PAE: pre-authentication encoding (LE64 count, then LE64 length + bytes for each piece).
void AppendLe64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::string Pae(std::initializer_list<std::string_view> pieces) {
  std::size_t size = 8;
  for (std::string_view p : pieces) size += 8 + p.size();
  std::string out;
  out.reserve(size);  // one allocation: a first license check pays for each page it touches
  AppendLe64(out, pieces.size());
  for (std::string_view p : pieces) {
    AppendLe64(out, p.size() & 0x7FFFFFFFFFFFFFFFull);
    out.append(p);
  }
  return out;
}

Status Invalid(std::string_view why) {
  return Status(ErrorCode::kTokenInvalid, fmt::format("the license token is not valid: {}", why));
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  return EncodeBase64(bytes, Base64Alphabet::kUrlSafeUnpadded);
}

StatusOr<std::string> Base64UrlDecode(std::string_view text) {
  std::string out;
  if (!DecodeBase64Into(text, Base64Alphabet::kUrlSafeUnpadded, out)) {
    return Invalid("bad base64url");
  }
  return out;
}

PreparedFooter PrepareFooter(std::string_view footer) {
  // Appended: GCC 12 at -O3 warns falsely (-Wrestrict) on `"." + Base64UrlEncode(footer)`.
  std::string encoded;
  if (!footer.empty()) encoded.append(".").append(Base64UrlEncode(footer));
  return PreparedFooter{std::string(footer), std::move(encoded)};
}

namespace {

// The token for `payload` and `footer` with the signature `sign` makes of the PAE message.
template <typename SignFn>
std::string SignedToken(std::string_view payload, const PreparedFooter& footer,
                        std::string_view implicit, SignFn&& sign) {
  const std::string m2 = Pae({kV4PublicHeader, payload, footer.raw, implicit});
  const std::array<std::uint8_t, crypto_sign_BYTES> sig = sign(std::string_view(m2));
  std::string body;
  body.reserve(payload.size() + sig.size());
  body.append(payload);
  body.append(reinterpret_cast<const char*>(sig.data()), sig.size());
  std::string token(kV4PublicHeader);
  token += Base64UrlEncode(body);
  token += footer.encoded;
  return token;
}

}  // namespace

std::string SignV4Public(std::string_view payload, const PreparedFooter& footer,
                         std::string_view implicit,
                         const std::array<std::uint8_t, 64>& secret_key) {
  core_internal::EnsureSodiumInitialized();
  return SignedToken(payload, footer, implicit, [&secret_key](std::string_view m2) {
    std::array<std::uint8_t, crypto_sign_BYTES> sig{};
    crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(m2.data()),
                         m2.size(), secret_key.data());
    return sig;
  });
}

std::string SignV4Public(std::string_view payload, const PreparedFooter& footer,
                         std::string_view implicit, Ed25519Signer& signer) {
  return SignedToken(payload, footer, implicit,
                     [&signer](std::string_view m2) { return signer.Sign(m2); });
}

std::string SignV4Public(std::string_view payload, std::string_view footer,
                         std::string_view implicit,
                         const std::array<std::uint8_t, 64>& secret_key) {
  return SignV4Public(payload, PrepareFooter(footer), implicit, secret_key);
}

StatusOr<std::string> UnverifiedFooter(std::string_view token) {
  if (!token.starts_with(kV4PublicHeader)) return Invalid("it is not a v4.public token");
  const std::string_view rest = token.substr(kV4PublicHeader.size());
  const size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return std::string();
  return Base64UrlDecode(rest.substr(dot + 1));
}

namespace {

// A hint as VerificationHintV4Public wrote it; false (no hint) for anything else.
bool DecodedHint(std::string_view text, core_internal::Ed25519Hint& out) {
  if (text.empty()) return false;
  const StatusOr<std::string> bytes = Base64UrlDecode(text);
  if (!bytes.ok() || bytes->size() != out.size()) return false;
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return true;
}

// A v4.public token's base64url body (payload and signature) and footer, if it has one.
struct V4PublicParts {
  std::string_view body;
  std::optional<std::string_view> footer;
};

StatusOr<V4PublicParts> SplitV4Public(std::string_view token) {
  if (!token.starts_with(kV4PublicHeader)) return Invalid("it is not a v4.public token");
  const std::string_view rest = token.substr(kV4PublicHeader.size());
  const size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return V4PublicParts{rest, std::nullopt};
  if (rest.find('.', dot + 1) != std::string_view::npos) return Invalid("it has too many parts");
  return V4PublicParts{rest.substr(0, dot), rest.substr(dot + 1)};
}

}  // namespace

std::string VerificationHintV4Public(std::string_view token,
                                     const std::array<std::uint8_t, 32>& public_key) {
  const StatusOr<V4PublicParts> parts = SplitV4Public(token);
  if (!parts.ok()) return {};
  const StatusOr<std::string> body = Base64UrlDecode(parts->body);
  if (!body.ok() || body->size() < crypto_sign_BYTES) return {};
  const auto* sig =
      reinterpret_cast<const std::uint8_t*>(body->data() + body->size() - crypto_sign_BYTES);
  const std::optional<core_internal::Ed25519Hint> hint = core_internal::Ed25519HintFor(
      std::span<const std::uint8_t, crypto_sign_BYTES>(sig, crypto_sign_BYTES), public_key);
  if (!hint) return {};
  return Base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(hint->data()), hint->size()));
}

StatusOr<Verified> VerifyV4Public(std::string_view token, std::string_view implicit,
                                  const std::array<std::uint8_t, 32>& public_key,
                                  std::string_view hint_text) {
  LICET_ASSIGN_OR_RETURN(const V4PublicParts parts, SplitV4Public(token));
  LICET_ASSIGN_OR_RETURN(const std::string body, Base64UrlDecode(parts.body));
  std::string footer;
  if (parts.footer) {
    LICET_ASSIGN_OR_RETURN(footer, Base64UrlDecode(*parts.footer));
  }
  if (body.size() < crypto_sign_BYTES) return Invalid("it is too short to hold a signature");
  const std::string_view payload =
      std::string_view(body).substr(0, body.size() - crypto_sign_BYTES);
  const auto* sig = reinterpret_cast<const std::uint8_t*>(body.data() + payload.size());
  const std::string m2 = Pae({kV4PublicHeader, payload, footer, implicit});
  // Licet's own verification: the SDK's first check runs it in every fresh process, and
  // libsodium's would fault in 70 KB of signing code and tables with it (ed25519_verify.h).
  core_internal::Ed25519Hint hint{};
  const bool hinted = DecodedHint(hint_text, hint);
  if (!core_internal::Ed25519Verify(
          std::span<const std::uint8_t, crypto_sign_BYTES>(sig, crypto_sign_BYTES),
          std::span(reinterpret_cast<const std::uint8_t*>(m2.data()), m2.size()), public_key,
          hinted ? &hint : nullptr)) {
    return Invalid("its signature does not match (altered, or signed by another key)");
  }
  return Verified{.payload = std::string(payload), .footer = std::move(footer)};
}

}  // namespace licet::paseto
