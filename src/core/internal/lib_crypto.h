// The few functions of OpenSSL's libcrypto that phone activation's keys and signatures need
// (BIGNUM and EC_POINT arithmetic on brainpoolP160r1 with the vendor's secret scalar), reached
// through libcrypto.so.3 loaded on first use instead of linked. Verifying a confirmation ID does
// not need it (internal/brainpool_p160.h).
//
// Why: liblicet.so links nothing else of OpenSSL, and loading libcrypto at every start of every
// application that embeds the SDK (about 3,400 relocations and 130 page faults, more than a whole
// first license check; bench/RESULTS.md) would be paid by every application. Only the vendor's
// side (licet-server, signing confirmation IDs) loads it.
//
//   LICET_ASSIGN_OR_RETURN(const LibCrypto* crypto, LoadLibCrypto());
//   BIGNUM* n = crypto->BN_new();
//
// Thread-safe: loaded once; the table is immutable after.
#pragma once

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>

#include "licet/core/status.h"

namespace licet::core_internal {

// X(name) for each libcrypto function used; the member of that name has its exact type.
// clang-format off
#define LICET_LIBCRYPTO_FUNCTIONS(X) \
  X(BN_CTX_free) \
  X(BN_CTX_new) \
  X(BN_add_word) \
  X(BN_bin2bn) \
  X(BN_bn2binpad) \
  X(BN_clear_free) \
  X(BN_div) \
  X(BN_dup) \
  X(BN_is_zero) \
  X(BN_mod_mul) \
  X(BN_mod_sub) \
  X(BN_new) \
  X(BN_sub_word) \
  X(EC_GROUP_free) \
  X(EC_GROUP_get_order) \
  X(EC_GROUP_new_by_curve_name) \
  X(EC_POINT_free) \
  X(EC_POINT_mul) \
  X(EC_POINT_new) \
  X(EC_POINT_point2oct)
// clang-format on

struct LibCrypto {
#define LICET_LIBCRYPTO_MEMBER(name) decltype(&::name) name = nullptr;
  LICET_LIBCRYPTO_FUNCTIONS(LICET_LIBCRYPTO_MEMBER)
#undef LICET_LIBCRYPTO_MEMBER
};

/// libcrypto.so.3's functions, loaded by the first call (the process's own copy if it has one).
/// Errors: kInternal naming the library or the missing function (the dynamic loader's message);
/// the failure is remembered, not retried.
[[nodiscard]] StatusOr<const LibCrypto*> LoadLibCrypto();

}  // namespace licet::core_internal
