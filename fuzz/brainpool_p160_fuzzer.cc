// libFuzzer target, differential: our brainpoolP160r1 arithmetic (internal/brainpool_p160.h, which
// verifies every phone activation's confirmation ID) against OpenSSL's on the same inputs. The
// input is read as a mode byte, s (20 bytes), e (10 bytes) and 21 more bytes: with mode bit 0 set,
// the public point is their first 20 bytes times G (always a point of the curve), else the 21 bytes
// are the compressed encoding as typed (about half are points). Both sides must agree on whether
// the point is valid, on s < n, and on s·G + e·P (or its being the point at infinity).
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "internal/brainpool_p160.h"
#include "licet/core/check.h"

namespace {

namespace curve = licet::core_internal::brainpool_p160;

struct OpenSsl {
  EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_brainpoolP160r1);
  BN_CTX* ctx = BN_CTX_new();
};

const OpenSsl& Ossl() {
  static const OpenSsl ossl;
  return ossl;
}

// s·G + e·P by OpenSSL; nullopt for the point at infinity.
std::optional<curve::Compressed> Reference(const std::uint8_t* s, const std::uint8_t* e,
                                           const EC_POINT* p) {
  const OpenSsl& o = Ossl();
  BIGNUM* bs = BN_bin2bn(s, 20, nullptr);
  BIGNUM* be = BN_bin2bn(e, 10, nullptr);
  EC_POINT* r = EC_POINT_new(o.group);
  LICET_CHECK(EC_POINT_mul(o.group, r, bs, p, be, o.ctx) == 1, "OpenSSL computes s·G + e·P");
  std::optional<curve::Compressed> out;
  if (EC_POINT_is_at_infinity(o.group, r) == 0) {
    out.emplace();
    LICET_CHECK(EC_POINT_point2oct(o.group, r, POINT_CONVERSION_COMPRESSED, out->data(),
                                   out->size(), o.ctx) == out->size(),
                "OpenSSL encodes the sum");
  }
  EC_POINT_free(r);
  BN_free(be);
  BN_free(bs);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::array<std::uint8_t, 1 + 20 + 10 + 21> in{};
  std::copy_n(data, std::min(size, in.size()), in.begin());
  const std::uint8_t* s = in.data() + 1;
  const std::uint8_t* e = s + 20;
  const std::uint8_t* rest = e + 10;
  const OpenSsl& o = Ossl();

  BIGNUM* order = BN_new();
  EC_GROUP_get_order(o.group, order, o.ctx);
  BIGNUM* bs = BN_bin2bn(s, 20, nullptr);
  LICET_CHECK(
      curve::BelowOrder(std::span<const std::uint8_t, 20>(s, 20)) == (BN_cmp(bs, order) < 0),
      "s < n as OpenSSL says");
  BN_free(bs);
  BN_free(order);

  EC_POINT* p = EC_POINT_new(o.group);
  curve::Compressed public_key{};
  bool valid = false;
  if ((in[0] & 1) != 0) {
    BIGNUM* k = BN_bin2bn(rest, 20, nullptr);
    valid = EC_POINT_mul(o.group, p, k, nullptr, nullptr, o.ctx) == 1 &&
            EC_POINT_is_at_infinity(o.group, p) == 0;
    BN_free(k);
    if (valid) {
      EC_POINT_point2oct(o.group, p, POINT_CONVERSION_COMPRESSED, public_key.data(),
                         public_key.size(), o.ctx);
    }
  } else {
    std::copy_n(rest, public_key.size(), public_key.begin());
    valid = EC_POINT_oct2point(o.group, p, public_key.data(), public_key.size(), o.ctx) == 1;
  }
  if (valid || (in[0] & 1) == 0) {
    LICET_CHECK(curve::IsCurvePoint(public_key) == valid, "the point is judged as OpenSSL does");
    const std::optional<curve::Compressed> ours =
        curve::CombineWithGenerator(std::span<const std::uint8_t, 20>(s, 20),
                                    std::span<const std::uint8_t, 10>(e, 10), public_key);
    if (!valid) {
      LICET_CHECK(!ours.has_value(), "no sum for a point that is not on the curve");
    } else {
      LICET_CHECK(ours == Reference(s, e, p), "s·G + e·P as OpenSSL computes it");
    }
  }
  EC_POINT_free(p);
  return 0;
}
