// Product key codec. Layout of the 114-bit value (most significant first), see
// docs/formats/product_key.md:
//   header (52 bits) = version (2) | group (20) | serial (30), XOR-masked with Mask(mac)
//   mac (52 bits)    = HMAC-SHA-256(secret, "licet/key/v1" | version | group | serial), truncated
//   check (10 bits)  = BLAKE2b("licet/key/check" | first 104 bits), truncated
// The mask only makes consecutive serials look unrelated; it is not a secret.
#include "licet/core/product_key.h"

#include <fmt/format.h>
#include <sodium.h>

#include <cstring>

#include "licet/core/key_minter.h"
#include "licet/core/quote.h"

namespace licet {
namespace {

__extension__ typedef unsigned __int128 U128;

constexpr int kCheckBits = 10;
constexpr int kMacBits = 52;
constexpr std::uint64_t kMac52 = (std::uint64_t{1} << kMacBits) - 1;
constexpr std::string_view kMacContext = "licet/key/v1";
constexpr std::string_view kCheckContext = "licet/key/check";
constexpr std::string_view kMaskContext = "licet/key/mask";

// The value space is 114 bits; 24^25 is a little larger, so some 25-symbol strings are out of
// range.
constexpr U128 kValueLimit = U128{1} << 114;

int AlphabetIndex(char c) {
  const size_t pos = kProductKeyAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// Writes the low `n` bytes of `v` big-endian.
template <typename T>
void PutBigEndian(T v, size_t n, unsigned char* out) {
  for (size_t i = 0; i < n; ++i) out[n - 1 - i] = static_cast<unsigned char>(v >> (8 * i));
}

std::uint64_t Blake2b64(std::string_view context, const unsigned char* data, size_t len) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 8);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(context.data()),
                            context.size());
  crypto_generichash_update(&state, data, len);
  unsigned char out[8];
  crypto_generichash_final(&state, out, sizeof out);
  std::uint64_t v = 0;
  for (unsigned char b : out) v = (v << 8) | b;
  return v;
}

std::uint64_t HeaderMask(std::uint64_t mac) {
  unsigned char buf[7];
  PutBigEndian(mac, sizeof buf, buf);
  return Blake2b64(kMaskContext, buf, sizeof buf) >> (64 - 52);
}

std::uint32_t Checksum(U128 upper104) {
  unsigned char buf[13];
  PutBigEndian(upper104, sizeof buf, buf);
  return static_cast<std::uint32_t>(Blake2b64(kCheckContext, buf, sizeof buf) >> (64 - kCheckBits));
}

// The MAC's message: context | version | group | serial.
constexpr size_t kMacMessageSize = kMacContext.size() + 9;

void MacMessage(std::uint8_t version, std::uint32_t group, std::uint32_t serial,
                unsigned char (&msg)[kMacMessageSize]) {
  std::memcpy(msg, kMacContext.data(), kMacContext.size());
  unsigned char* p = msg + kMacContext.size();
  p[0] = version;
  PutBigEndian(group, 4, p + 1);
  PutBigEndian(serial, 4, p + 5);
}

// Finishes an HMAC whose key is absorbed in `state` (a copy): the top 52 bits of the digest.
std::uint64_t FinishMac(crypto_auth_hmacsha256_state state, const unsigned char* msg, size_t len) {
  unsigned char digest[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_update(&state, msg, len);
  crypto_auth_hmacsha256_final(&state, digest);
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | digest[i];
  return v >> (64 - kMacBits);
}

crypto_auth_hmacsha256_state KeyedMacState(const KeyMacSecret& secret) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, secret.bytes.data(), secret.bytes.size());
  return state;
}

std::uint64_t ComputeMac(std::uint8_t version, std::uint32_t group, std::uint32_t serial,
                         const KeyMacSecret& secret) {
  unsigned char msg[kMacMessageSize];
  MacMessage(version, group, serial, msg);
  return FinishMac(KeyedMacState(secret), msg, sizeof msg);
}

// 24^13: the value splits into a high part of 12 digits and a low part of 13, each of which fits
// in 64 bits, so that 23 of the 25 divisions by 24 are 64-bit ones (a multiplication) and not
// calls to the 128-bit division routine.
constexpr std::uint64_t kPow24To13 = 876488338465357824ull;

// Writes the `count` base-24 digits of `v` ending at `end` (exclusive).
void PutBase24Digits(std::uint64_t v, int count, char* end) {
  for (int i = 0; i < count; ++i) {
    *--end = kProductKeyAlphabet[static_cast<size_t>(v % 24)];
    v /= 24;
  }
}

// Passes the characters of `compact` to `put` in groups of five joined by dashes.
template <typename Put>
void PutKeyGroups(std::string_view compact, Put put) {
  for (size_t i = 0; i < compact.size(); ++i) {
    if (i > 0 && i % 5 == 0) put('-');
    put(compact[i]);
  }
}

// The 25 symbols of `value`, most significant first, into `out`.
void EncodeBase24(U128 value, char (&out)[kProductKeyLength]) {
  PutBase24Digits(static_cast<std::uint64_t>(value % kPow24To13), 13, out + kProductKeyLength);
  PutBase24Digits(static_cast<std::uint64_t>(value / kPow24To13), 12, out + 12);
}

Status InvalidKey(std::string_view typed, std::string why) {
  return Status(ErrorCode::kInvalidProductKey,
                fmt::format("{} is not a valid product key: {}", QuoteInput(typed), why));
}

// True for the UTF-8 encodings of the dashes people paste from documents and web pages.
size_t TypographicDashLength(std::string_view s) {
  static constexpr std::string_view kDashes[] = {"\u2010", "\u2011", "\u2012", "\u2013", "\u2014",
                                                 "\u2015", "\u2212", "\uFE63", "\uFF0D"};
  for (std::string_view d : kDashes) {
    if (s.substr(0, d.size()) == d) return d.size();
  }
  return 0;
}

}  // namespace

StatusOr<std::string> NormalizeKeyText(std::string_view typed) {
  std::string out;
  out.reserve(kProductKeyLength);
  for (size_t i = 0; i < typed.size();) {
    const char c = typed[i];
    if (c == '-' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (const size_t n = TypographicDashLength(typed.substr(i)); n > 0) {
      i += n;
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      out.push_back(c);
      ++i;
    } else if (c >= 'a' && c <= 'z') {
      out.push_back(static_cast<char>(c - 'a' + 'A'));
      ++i;
    } else {
      const unsigned char uc = static_cast<unsigned char>(c);
      return InvalidKey(
          typed,
          uc >= 0x20 && uc < 0x7F
              ? fmt::format("'{}' is not a letter, digit or dash", c)
              : fmt::format("it contains the byte 0x{:02X}, which is not a letter, digit or dash",
                            uc));
    }
    if (out.size() > static_cast<size_t>(kProductKeyLength)) {
      return InvalidKey(typed, "it has more than 25 letters and digits");
    }
  }
  if (out.size() != static_cast<size_t>(kProductKeyLength)) {
    return InvalidKey(
        typed,
        fmt::format("it has {} letters and digits; a key has 25 (5 groups of 5)", out.size()));
  }
  return out;
}

std::string FormatKeyGroups(std::string_view compact) {
  std::string out;
  PutKeyGroups(compact, [&](char c) { out.push_back(c); });
  return out;
}

StatusOr<ProductKey> ProductKey::Parse(std::string_view typed) {
  LICET_ASSIGN_OR_RETURN(const std::string compact, NormalizeKeyText(typed));
  U128 value = 0;
  for (size_t i = 0; i < compact.size(); ++i) {
    const int digit = AlphabetIndex(compact[i]);
    if (digit < 0) {
      return InvalidKey(typed, fmt::format("character {} '{}' is not used in product keys (only "
                                           "BCDFGHJKMPQRTVWXY and 2346789 are)",
                                           i + 1, compact[i]));
    }
    value = value * 24 + static_cast<unsigned>(digit);
  }
  if (value >= kValueLimit)
    return InvalidKey(typed, "it is out of range: a character was mistyped");
  const auto check = static_cast<std::uint32_t>(value & ((1u << kCheckBits) - 1));
  const U128 upper = value >> kCheckBits;
  if (Checksum(upper) != check) {
    return InvalidKey(typed, "the checksum does not match: a character was mistyped");
  }
  const auto mac = static_cast<std::uint64_t>(upper & kMac52);
  const auto header = static_cast<std::uint64_t>(upper >> kMacBits) ^ HeaderMask(mac);
  const auto version = static_cast<std::uint8_t>(header >> 50);
  if (version != kProductKeyVersion) {
    return InvalidKey(typed, fmt::format("format version {} is not supported", version));
  }
  const auto group = static_cast<std::uint32_t>((header >> 30) & kMaxKeyGroup);
  const auto serial = static_cast<std::uint32_t>(header & kMaxKeySerial);
  return ProductKey(version, group, serial, mac, FormatKeyGroups(compact));
}

ProductKey ProductKey::Generate(std::uint32_t group, std::uint32_t serial,
                                const KeyMacSecret& secret) {
  // One mint, decoded again: the decoder re-checks the checksum and the header it just made.
  StatusOr<ProductKey> key = Parse(KeyMinter(group, secret).Mint(serial).text_view());
  LICET_CHECK(key.ok(), "a minted key does not decode");
  return *std::move(key);
}

KeyMinter::KeyMinter(std::uint32_t group, const KeyMacSecret& secret)
    : group_(group), keyed_(KeyedMacState(secret)) {
  LICET_CHECK(group <= kMaxKeyGroup, "key group out of range");
}

KeyMinter::~KeyMinter() { sodium_memzero(&keyed_, sizeof keyed_); }

MintedKey KeyMinter::Mint(std::uint32_t serial) const {
  LICET_CHECK(serial <= kMaxKeySerial, "key serial out of range");
  unsigned char msg[kMacMessageSize];
  MacMessage(kProductKeyVersion, group_, serial, msg);
  const std::uint64_t mac = FinishMac(keyed_, msg, sizeof msg);
  const std::uint64_t header =
      (std::uint64_t{kProductKeyVersion} << 50 | std::uint64_t{group_} << 30 | serial) ^
      HeaderMask(mac);
  const U128 upper = (U128{header} << kMacBits) | mac;
  char symbols[kProductKeyLength];
  EncodeBase24((upper << kCheckBits) | Checksum(upper), symbols);
  MintedKey key;
  key.serial = serial;
  char* next = key.text.data();
  PutKeyGroups(std::string_view(symbols, sizeof symbols), [&](char c) { *next++ = c; });
  return key;
}

bool ProductKey::VerifyMac(const KeyMacSecret& secret) const {
  const std::uint64_t expected = ComputeMac(version_, group_, serial_, secret);
  unsigned char a[8], b[8];
  PutBigEndian(expected, 8, a);
  PutBigEndian(mac_, 8, b);
  return sodium_memcmp(a, b, sizeof a) == 0;
}

std::string MaskedProductKey(std::string_view partial) {
  return fmt::format("*****-*****-*****-*****-{}", partial);
}

StatusOr<KeyMacSecret> ParseKeyMacSecret(std::string_view hex) {
  KeyMacSecret secret;
  size_t bin_len = 0;
  if (hex.size() != 64 ||
      sodium_hex2bin(secret.bytes.data(), secret.bytes.size(), hex.data(), hex.size(), nullptr,
                     &bin_len, nullptr) != 0 ||
      bin_len != secret.bytes.size()) {
    return Status(ErrorCode::kInvalidArgument,
                  "a key-MAC secret is 64 hexadecimal digits (32 bytes)");
  }
  return secret;
}

}  // namespace licet
