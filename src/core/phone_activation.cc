// Short Schnorr signatures (80-bit challenge, 160-bit response) on brainpoolP160r1; hashing with
// libsodium's BLAKE2b. Keys and signatures (the vendor's secret scalar) use OpenSSL's EC_POINT and
// BIGNUM arithmetic (libcrypto loaded on first use: internal/lib_crypto.h), held in unique_ptrs
// with their free functions so that every early return releases them. Verification, which a
// phone-activated installation runs on every first license check, uses our own arithmetic on
// public values (internal/brainpool_p160.h) and never loads libcrypto.
#include "licet/core/phone_activation.h"

#include <fmt/format.h>
#include <openssl/obj_mac.h>
#include <sodium.h>

#include <algorithm>
#include <memory>

#include "internal/brainpool_p160.h"
#include "internal/laid_out.h"
#include "internal/lib_crypto.h"
#include "licet/core/ascii.h"
#include "licet/core/check.h"
#include "licet/core/quote.h"

namespace licet::phone {
namespace {

// 98-bit installation IDs fit a GCC/Clang 128-bit integer (__extension__: not ISO C++).
__extension__ typedef unsigned __int128 Uint128;

constexpr std::size_t kChallengeBytes = 10;  // 80 bits
constexpr std::size_t kResponseBytes = 20;   // 160 bits: brainpoolP160r1's order is below 2^160
constexpr std::size_t kSignatureBytes = kChallengeBytes + kResponseBytes;
constexpr int kDataDigits = kDigitsPerGroup - 1;

// The Damm algorithm's totally anti-symmetric quasigroup of order 10.
LICET_LAID_OUT_CONSTANT("phone")
constexpr int kDamm[10][10] = {{0, 3, 1, 7, 5, 9, 8, 6, 4, 2}, {7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
                               {4, 2, 0, 6, 8, 7, 1, 3, 5, 9}, {1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
                               {6, 1, 2, 3, 0, 4, 5, 9, 7, 8}, {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
                               {5, 8, 6, 9, 7, 2, 0, 1, 3, 4}, {8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
                               {9, 4, 3, 8, 6, 1, 7, 2, 0, 5}, {2, 5, 8, 1, 4, 3, 6, 7, 9, 0}};

// The Damm algorithm's interim digit after `digits`, starting from `interim`.
int DammFold(int interim, std::string_view digits) {
  for (const char c : digits) interim = kDamm[interim][c - '0'];
  return interim;
}

// A group's check digit: Damm over its number (two digits, 01-15) and its data digits.
int GroupCheckDigit(int index, std::string_view data) {
  const char number[2] = {static_cast<char>('0' + index / 10 % 10),
                          static_cast<char>('0' + index % 10)};
  return DammFold(DammFold(0, std::string_view(number, 2)), data);
}

// libcrypto's functions. Each entry point that does arithmetic has loaded them (RequireLibCrypto)
// before any helper here runs.
const core_internal::LibCrypto& Crypto() {
  const StatusOr<const core_internal::LibCrypto*> lib = core_internal::LoadLibCrypto();
  LICET_CHECK(lib.ok(), "libcrypto is loaded before phone activation's arithmetic runs");
  return **lib;
}

// Frees an OpenSSL object with the libcrypto function `Free` (a member of LibCrypto).
template <typename T, auto Free>
struct Freer {
  void operator()(T* p) const { (Crypto().*Free)(p); }
};
using core_internal::LibCrypto;
using Bn = std::unique_ptr<BIGNUM, Freer<BIGNUM, &LibCrypto::BN_clear_free>>;
using BnCtx = std::unique_ptr<BN_CTX, Freer<BN_CTX, &LibCrypto::BN_CTX_free>>;
using Group = std::unique_ptr<EC_GROUP, Freer<EC_GROUP, &LibCrypto::EC_GROUP_free>>;
using Point = std::unique_ptr<EC_POINT, Freer<EC_POINT, &LibCrypto::EC_POINT_free>>;

Status RequireLibCrypto() { return core_internal::LoadLibCrypto().status(); }

Status Internal(std::string_view what) {
  return Status(ErrorCode::kInternal, fmt::format("phone activation: {} failed", what));
}

Status BadData(std::string_view what, std::string_view why) {
  return Status(ErrorCode::kCidIidInvalidData, fmt::format("the {} is malformed: {}", what, why));
}

struct Curve {
  Group group{Crypto().EC_GROUP_new_by_curve_name(NID_brainpoolP160r1)};
  BnCtx ctx{Crypto().BN_CTX_new()};
  Bn order{Crypto().BN_new()};
  bool ok = false;
  Curve() {
    ok = group && ctx && order && Crypto().EC_GROUP_get_order(group.get(), order.get(), ctx.get());
  }
};

Bn BnFromBytes(const std::uint8_t* data, std::size_t size) {
  return Bn(Crypto().BN_bin2bn(data, static_cast<int>(size), nullptr));
}

// Compressed encoding of a point (21 bytes); false for the point at infinity.
bool Compress(const Curve& c, const EC_POINT* p, std::array<std::uint8_t, 21>& out) {
  return Crypto().EC_POINT_point2oct(c.group.get(), p, POINT_CONVERSION_COMPRESSED, out.data(),
                                     out.size(), c.ctx.get()) == out.size();
}

// BLAKE2b-512 of the parts, each prefixed by its length.
std::array<std::uint8_t, 64> Hash(std::initializer_list<std::string_view> parts) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 64);
  for (const std::string_view p : parts) {
    const std::uint64_t len = p.size();
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(&len), sizeof len);
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(p.data()), p.size());
  }
  std::array<std::uint8_t, 64> out{};
  crypto_generichash_final(&st, out.data(), out.size());
  return out;
}

std::string_view View(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

std::array<std::uint8_t, 13> PackIid(const InstallationIdFields& f) {
  Uint128 v = f.version & 0xfu;
  v = (v << 20) | (f.key_group & 0xfffffu);
  v = (v << 30) | (f.key_serial & 0x3fffffffu);
  v = (v << 24) | (f.hardware_hash & 0xffffffu);
  v = (v << 20) | (f.key_proof & 0xfffffu);
  std::array<std::uint8_t, 13> out{};
  for (int i = 12; i >= 0; --i, v >>= 8) out[static_cast<std::size_t>(i)] = v & 0xff;
  return out;
}

std::string Message(const InstallationIdFields& iid, std::string_view product_id) {
  const auto packed = PackIid(iid);
  std::string msg = "licet/cid/v1|";  // no fmt on a first license check's path
  msg.append(product_id).append("|").append(View(packed.data(), packed.size()));
  return msg;
}

// Digits in groups with their check digits: "dddddc-dddddc-...".
std::string Grouped(const std::string& digits) {
  std::string out;
  for (std::size_t g = 0; g * kDataDigits < digits.size(); ++g) {
    const std::string data = digits.substr(g * kDataDigits, kDataDigits);
    if (!out.empty()) out += '-';
    out += data;
    out += static_cast<char>('0' + GroupCheckDigit(static_cast<int>(g) + 1, data));
  }
  return out;
}

// Strips separators and checks every group; returns the data digits.
StatusOr<std::string> Ungroup(std::string_view text, int groups, std::string_view what) {
  std::string digits;
  for (const char c : text) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    if (!IsAsciiDigit(c))
      return BadData(what, fmt::format("{} is not a digit", QuoteInput(std::string_view(&c, 1))));
    digits += c;
  }
  const std::size_t want = static_cast<std::size_t>(groups * kDigitsPerGroup);
  if (digits.size() != want) {
    return BadData(what, fmt::format("{} digits instead of {} ({} groups of {})", digits.size(),
                                     want, groups, kDigitsPerGroup));
  }
  std::string data;
  for (int g = 0; g < groups; ++g) {
    const std::string_view group = std::string_view(digits).substr(
        static_cast<std::size_t>(g * kDigitsPerGroup), kDigitsPerGroup);
    LICET_RETURN_IF_ERROR(CheckGroup(group, g + 1));
    data += group.substr(0, kDataDigits);
  }
  return data;
}

// The CID's signature as the decimal number it is read as: 75 digits, zero-padded.
std::string SignatureDigits(const std::array<std::uint8_t, kSignatureBytes>& sig) {
  std::array<std::uint8_t, kSignatureBytes> n = sig;
  std::string digits(static_cast<std::size_t>(kCidGroups * kDataDigits), '0');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    unsigned remainder = 0;  // n /= 10, most significant byte first
    for (std::uint8_t& b : n) {
      const unsigned v = (remainder << 8) | b;
      b = static_cast<std::uint8_t>(v / 10);
      remainder = v % 10;
    }
    *it = static_cast<char>('0' + remainder);
  }
  return digits;
}

}  // namespace

int DammCheckDigit(std::string_view digits) { return DammFold(0, digits); }

Status CheckGroup(std::string_view group, int index) {
  if (group.size() != static_cast<std::size_t>(kDigitsPerGroup) ||
      !std::all_of(group.begin(), group.end(), IsAsciiDigit)) {
    return BadData("group", fmt::format("group {} must be {} digits", index, kDigitsPerGroup));
  }
  const std::string_view data = group.substr(0, kDataDigits);
  if (GroupCheckDigit(index, data) != group.back() - '0') {
    return Status(ErrorCode::kCidInvalidCheckDigits,
                  fmt::format("group {} ({}) has a wrong check digit: a digit in it was mistyped",
                              index, group),
                  fmt::format("Re-type group {}.", index));
  }
  return OkStatus();
}

std::string FormatInstallationId(const InstallationIdFields& f) {
  const auto packed = PackIid(f);
  Uint128 v = 0;
  for (const std::uint8_t b : packed) v = (v << 8) | b;
  std::string digits(static_cast<std::size_t>(kIidGroups * kDataDigits), '0');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it, v /= 10)
    *it = static_cast<char>('0' + static_cast<int>(v % 10));
  return Grouped(digits);
}

StatusOr<InstallationIdFields> ParseInstallationId(std::string_view text) {
  LICET_ASSIGN_OR_RETURN(const std::string digits, Ungroup(text, kIidGroups, "installation ID"));
  Uint128 v = 0;
  for (const char c : digits) v = v * 10 + static_cast<unsigned>(c - '0');
  if ((v >> 98) != 0) return BadData("installation ID", "its number is out of range");
  InstallationIdFields f;
  f.key_proof = static_cast<std::uint32_t>(v & 0xfffff);
  f.hardware_hash = static_cast<std::uint32_t>((v >> 20) & 0xffffff);
  f.key_serial = static_cast<std::uint32_t>((v >> 44) & 0x3fffffff);
  f.key_group = static_cast<std::uint32_t>((v >> 74) & 0xfffff);
  f.version = static_cast<std::uint32_t>((v >> 94) & 0xf);
  if (f.version != 1 && f.version != kIidVersion)
    return BadData("installation ID", fmt::format("format version {} is unknown", f.version));
  return f;
}

std::uint32_t KeyProof(std::string_view dashed_key, std::uint32_t hardware_hash) {
  const std::array<char, 3> hardware = {static_cast<char>(hardware_hash >> 16),
                                        static_cast<char>(hardware_hash >> 8),
                                        static_cast<char>(hardware_hash)};
  const auto h =
      Hash({"licet/iid-key-proof/v2", dashed_key,
            View(reinterpret_cast<const std::uint8_t*>(hardware.data()), hardware.size())});
  return (std::uint32_t{h[0]} << 12) | (std::uint32_t{h[1]} << 4) | (std::uint32_t{h[2]} >> 4);
}

StatusOr<PhoneKey> PhoneKey::Derive(std::string_view seed) {
  LICET_RETURN_IF_ERROR(RequireLibCrypto());
  const Curve c;
  if (!c.ok) return Internal("loading brainpoolP160r1");
  const auto h = Hash({"licet/phone-key/v1", seed});
  // x = H mod (n - 1) + 1: never zero.
  Bn x = BnFromBytes(h.data(), h.size());
  Bn n1(Crypto().BN_dup(c.order.get()));
  if (!x || !n1 || !Crypto().BN_sub_word(n1.get(), 1) ||
      !Crypto().BN_mod(x.get(), x.get(), n1.get(), c.ctx.get()) ||
      !Crypto().BN_add_word(x.get(), 1))
    return Internal("deriving the key");
  PhoneKey key;
  Point p(Crypto().EC_POINT_new(c.group.get()));
  if (!p || Crypto().BN_bn2binpad(x.get(), key.secret.data(), key.secret.size()) < 0 ||
      !Crypto().EC_POINT_mul(c.group.get(), p.get(), x.get(), nullptr, nullptr, c.ctx.get()) ||
      !Compress(c, p.get(), key.public_key))
    return Internal("computing the public key");
  return key;
}

StatusOr<PhoneKey> PhoneKey::FromRootKey(const SigningKey& root) {
  return Derive(fmt::format("licet/phone-from-root/v1|{}",
                            View(root.secret_key.data(), root.secret_key.size())));
}

StatusOr<PhoneKey> PhoneKey::Generate() {
  std::array<std::uint8_t, 32> seed{};
  randombytes_buf(seed.data(), seed.size());
  return Derive(View(seed.data(), seed.size()));
}

StatusOr<std::string> SignConfirmationId(const InstallationIdFields& iid,
                                         std::string_view product_id, const PhoneKey& key) {
  LICET_RETURN_IF_ERROR(RequireLibCrypto());
  const Curve c;
  if (!c.ok) return Internal("loading brainpoolP160r1");
  const std::string msg = Message(iid, product_id);
  // Deterministic nonce k = H(secret, message) mod n, as RFC 6979 does it for the same reason:
  // no randomness to get wrong, and one message always gets one CID.
  const auto kh = Hash({"licet/phone-k/v1", View(key.secret.data(), key.secret.size()), msg});
  Bn k = BnFromBytes(kh.data(), kh.size());
  Bn x = BnFromBytes(key.secret.data(), key.secret.size());
  Point r(Crypto().EC_POINT_new(c.group.get()));
  std::array<std::uint8_t, 21> r_bytes{};
  if (!k || !x || !r || !Crypto().BN_mod(k.get(), k.get(), c.order.get(), c.ctx.get()) ||
      Crypto().BN_is_zero(k.get()) ||
      !Crypto().EC_POINT_mul(c.group.get(), r.get(), k.get(), nullptr, nullptr, c.ctx.get()) ||
      !Compress(c, r.get(), r_bytes))
    return Internal("signing");
  const auto eh = Hash({"licet/phone-e/v1", View(r_bytes.data(), r_bytes.size()), msg});
  Bn e = BnFromBytes(eh.data(), kChallengeBytes);
  Bn ex(Crypto().BN_new());
  Bn s(Crypto().BN_new());
  // s = k - e x mod n
  if (!e || !ex || !s ||
      !Crypto().BN_mod_mul(ex.get(), e.get(), x.get(), c.order.get(), c.ctx.get()) ||
      !Crypto().BN_mod_sub(s.get(), k.get(), ex.get(), c.order.get(), c.ctx.get()))
    return Internal("signing");
  std::array<std::uint8_t, kSignatureBytes> sig{};
  std::copy(eh.begin(), eh.begin() + kChallengeBytes, sig.begin());
  if (Crypto().BN_bn2binpad(s.get(), sig.data() + kChallengeBytes, kResponseBytes) < 0)
    return Internal("signing");
  return Grouped(SignatureDigits(sig));
}

StatusOr<std::vector<std::uint8_t>> ParseConfirmationId(std::string_view text) {
  LICET_ASSIGN_OR_RETURN(const std::string digits, Ungroup(text, kCidGroups, "confirmation ID"));
  // n in four 64-bit words, least significant first: 10^75 < 2^250, so no carry leaves them.
  std::array<std::uint64_t, 4> n{};
  for (const char c : digits) {
    std::uint64_t carry = static_cast<std::uint64_t>(c - '0');  // n = 10 n + digit
    for (std::uint64_t& word : n) {
      const Uint128 v = static_cast<Uint128>(word) * 10 + carry;
      word = static_cast<std::uint64_t>(v);
      carry = static_cast<std::uint64_t>(v >> 64);
    }
  }
  static_assert(kSignatureBytes == 30);
  if ((n[3] >> 48) != 0) return BadData("confirmation ID", "its number is out of range");
  std::vector<std::uint8_t> out(kSignatureBytes);  // big-endian, bits 239 to 0
  for (std::size_t i = 0; i < kSignatureBytes; ++i) {
    const std::size_t bit = 8 * (kSignatureBytes - 1 - i);
    out[i] = static_cast<std::uint8_t>(n[bit / 64] >> (bit % 64));
  }
  return out;
}

Status VerifyConfirmationId(const std::vector<std::uint8_t>& cid, const InstallationIdFields& iid,
                            std::string_view product_id,
                            const std::array<std::uint8_t, 21>& public_key) {
  namespace curve = core_internal::brainpool_p160;
  if (cid.size() != kSignatureBytes) return BadData("confirmation ID", "wrong size");
  const std::span<const std::uint8_t, kChallengeBytes> e(cid.data(), kChallengeBytes);
  const std::span<const std::uint8_t, kResponseBytes> s(cid.data() + kChallengeBytes,
                                                        kResponseBytes);
  // Made only on a refusal: a first check that succeeds reads none of its words (string literals
  // are .rodata pages away from the check's code).
  const auto mismatch = [] {
    return Status(ErrorCode::kCidIidMismatch,
                  "the confirmation ID was not made for this installation ID",
                  "Read the installation ID to the vendor again: licet slmgr /dti");
  };
  // A refusal blames a malformed public key first, whatever the CID. Checked only on the way out:
  // the sum below fails for such a key anyway, and a successful check need not decompress twice.
  const auto refuse = [&] {
    return curve::IsCurvePoint(public_key)
               ? mismatch()
               : BadData("phone-activation public key", "not a point of brainpoolP160r1");
  };
  if (!curve::BelowOrder(s)) return refuse();
  // R = sG + eP must hash back to e.
  const std::optional<curve::Compressed> r = curve::CombineWithGenerator(s, e, public_key);
  if (!r) return refuse();  // a key off the curve, or R the point at infinity
  const auto eh = Hash({"licet/phone-e/v1", View(r->data(), r->size()), Message(iid, product_id)});
  if (sodium_memcmp(eh.data(), cid.data(), kChallengeBytes) != 0) return mismatch();
  return OkStatus();
}

}  // namespace licet::phone
