// In-process throughput of the foundation's hot paths, each against the raw HMAC-SHA-256 rate
// measured in the same run (the cost floor of a server-side key check), and Licet's Ed25519
// verification (a license token's, in every application's first check) against libsodium's.
// Results: bench/RESULTS.md.
// Run: build-release/bench/licet_core_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <cstdint>
#include <fstream>
#include <optional>
#include <span>
#include <sstream>
#include <vector>

#include "internal/ed25519_verify.h"
#include "internal/sodium_init.h"
#include "licet/core/catalog.h"
#include "licet/core/catalog_signature.h"
#include "licet/core/ed25519_base.h"
#include "licet/core/encoding.h"
#include "licet/core/license_state.h"

namespace licet {
namespace {

KeyMacSecret Secret() {
  KeyMacSecret s;
  s.bytes.fill(0x42);
  return s;
}

const Catalog& LabCatalog() {
  static const Catalog catalog = [] {
    std::ifstream in(std::string(LICET_CATALOG_DIR) + "/windows-server-2022.toml");
    std::stringstream ss;
    ss << in.rdbuf();
    StatusOr<Catalog> c = Catalog::Parse(CatalogBody(ss.str()), "lab");
    LICET_CHECK(c.ok(), c.status().ToString().c_str());
    return std::move(c).value();
  }();
  return catalog;
}

// Baseline: one HMAC-SHA-256 over the same 21 bytes a key MAC covers.
void BM_RawHmacSha256(benchmark::State& state) {
  const KeyMacSecret secret = Secret();
  unsigned char msg[21] = {};
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  for (auto _ : state) {
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, secret.bytes.data(), secret.bytes.size());
    crypto_auth_hmacsha256_update(&st, msg, sizeof msg);
    crypto_auth_hmacsha256_final(&st, out);
    benchmark::DoNotOptimize(out);
    msg[0]++;
  }
}
BENCHMARK(BM_RawHmacSha256);

// What a client does offline: normalise, decode, checksum, map group to SKU.
void BM_KeyDecodeAndResolve(benchmark::State& state) {
  const Catalog& catalog = LabCatalog();
  std::vector<std::string> keys;
  for (std::uint32_t i = 0; i < 256; ++i)
    keys.push_back(ProductKey::Generate(2203, i, *catalog.lab_key_mac_secret()).text());
  size_t i = 0;
  for (auto _ : state) {
    StatusOr<ResolvedKey> r = catalog.ResolveKey(keys[i++ & 255]);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_KeyDecodeAndResolve);

// What the server does: decode + MAC check.
void BM_KeyDecodeAndVerifyMac(benchmark::State& state) {
  const KeyMacSecret secret = Secret();
  std::vector<std::string> keys;
  for (std::uint32_t i = 0; i < 256; ++i)
    keys.push_back(ProductKey::Generate(2203, i, secret).text());
  size_t i = 0;
  for (auto _ : state) {
    StatusOr<ProductKey> k = ProductKey::Parse(keys[i++ & 255]);
    benchmark::DoNotOptimize(k.ok() && k->VerifyMac(secret));
  }
}
BENCHMARK(BM_KeyDecodeAndVerifyMac);

void BM_KeyGenerate(benchmark::State& state) {
  const KeyMacSecret secret = Secret();
  std::uint32_t serial = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(ProductKey::Generate(2203, serial++ & kMaxKeySerial, secret));
}
BENCHMARK(BM_KeyGenerate);

void BM_LicenseStateEvaluation(benchmark::State& state) {
  const Policy policy;
  LicenseFacts facts;
  facts.grace_start = *ParseIso8601("2026-01-01T00:00:00Z");
  facts.key_installed = true;
  TimePoint now = facts.grace_start;
  for (auto _ : state) {
    LicenseState s = EvaluateLicense(facts, policy, now);
    benchmark::DoNotOptimize(s);
    now += Seconds(3600);
    if (now > facts.grace_start + std::chrono::days(20)) now = facts.grace_start;
  }
}
BENCHMARK(BM_LicenseStateEvaluation);

// A signed 400-byte message, about a license token's size: the public key, the signature, the
// message.
struct SignedMessage {
  unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
  unsigned char signature[crypto_sign_BYTES];
  unsigned char message[400] = {};
};

const SignedMessage& Signed() {
  static const SignedMessage m = [] {
    core_internal::EnsureSodiumInitialized();  // to make the key pair
    SignedMessage out;
    unsigned char secret_key[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(out.public_key, secret_key);
    crypto_sign_detached(out.signature, nullptr, out.message, sizeof out.message, secret_key);
    return out;
  }();
  return m;
}

// Baseline: libsodium's verification of the same signature.
void BM_Ed25519VerifyLibsodium(benchmark::State& state) {
  const SignedMessage& m = Signed();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        crypto_sign_verify_detached(m.signature, m.message, sizeof m.message, m.public_key) == 0);
  }
}
BENCHMARK(BM_Ed25519VerifyLibsodium);

void BM_Ed25519VerifyLicet(benchmark::State& state) {
  const SignedMessage& m = Signed();
  for (auto _ : state) {
    benchmark::DoNotOptimize(core_internal::Ed25519Verify(
        std::span<const std::uint8_t, 64>(m.signature, sizeof m.signature),
        std::span<const std::uint8_t>(m.message, sizeof m.message),
        std::span<const std::uint8_t, 32>(m.public_key, sizeof m.public_key)));
  }
}
BENCHMARK(BM_Ed25519VerifyLicet);

// With the signature's verification hint, as an application's first check verifies its token.
void BM_Ed25519VerifyLicetHinted(benchmark::State& state) {
  const SignedMessage& m = Signed();
  const std::span<const std::uint8_t, 64> signature(m.signature, sizeof m.signature);
  const std::span<const std::uint8_t, 32> key(m.public_key, sizeof m.public_key);
  const std::optional<core_internal::Ed25519Hint> hint =
      core_internal::Ed25519HintFor(signature, key);
  for (auto _ : state) {
    benchmark::DoNotOptimize(core_internal::Ed25519Verify(
        signature, std::span<const std::uint8_t>(m.message, sizeof m.message), key, &*hint));
  }
}
BENCHMARK(BM_Ed25519VerifyLicetHinted);

// A signature's R = [r]B for a secret r: libsodium's (the baseline), Licet's alone, and Licet's in
// the batches licet-server makes: 4 when a signature finds no nonce ready, 32 in its nonce thread
// (time per point).
std::vector<std::array<std::uint8_t, 32>> RandomScalars(std::size_t n) {
  core_internal::EnsureSodiumInitialized();
  std::vector<std::array<std::uint8_t, 32>> scalars(n);
  for (auto& s : scalars) {
    std::array<std::uint8_t, 64> wide{};
    randombytes_buf(wide.data(), wide.size());
    crypto_core_ed25519_scalar_reduce(s.data(), wide.data());
  }
  return scalars;
}

void BM_Ed25519BaseMulLibsodium(benchmark::State& state) {
  const auto scalars = RandomScalars(1);
  std::array<std::uint8_t, 32> point{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        crypto_scalarmult_ed25519_base_noclamp(point.data(), scalars[0].data()));
  }
}
BENCHMARK(BM_Ed25519BaseMulLibsodium);

void BM_Ed25519BaseMulLicet(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto scalars = RandomScalars(n);
  std::vector<std::array<std::uint8_t, 32>> points(n);
  for (auto _ : state) {
    Ed25519BaseMultiples(scalars, points);
    benchmark::DoNotOptimize(points.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Ed25519BaseMulLicet)->Arg(1)->Arg(4)->Arg(16)->Arg(32)->Arg(64);

// Base64url of a license token's 700-byte body: libsodium's encoder (the baseline) and Licet's.
void BM_Base64EncodeLibsodium(benchmark::State& state) {
  const std::string bytes(700, '\x5a');
  std::string out(sodium_base64_ENCODED_LEN(700, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  for (auto _ : state) {
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                      bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_Base64EncodeLibsodium);

void BM_Base64EncodeLicet(benchmark::State& state) {
  const std::string bytes(700, '\x5a');
  for (auto _ : state) {
    benchmark::DoNotOptimize(EncodeBase64(bytes, Base64Alphabet::kUrlSafeUnpadded));
  }
}
BENCHMARK(BM_Base64EncodeLicet);

}  // namespace
}  // namespace licet

BENCHMARK_MAIN();
