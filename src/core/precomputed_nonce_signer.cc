#include "licet/core/precomputed_nonce_signer.h"

#include <pthread.h>
#include <sched.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace licet {
namespace {

using Bytes32 = std::array<std::uint8_t, 32>;

// The low half of SHA-512(seed), clamped: the scalar a of RFC 8032, section 5.1.5.
void ExpandKey(const std::array<std::uint8_t, 64>& key, Bytes32& scalar, Bytes32& prefix) {
  std::array<std::uint8_t, 64> az{};
  crypto_hash_sha512(az.data(), key.data(), 32);
  az[0] &= 248;
  az[31] &= 127;
  az[31] |= 64;
  std::array<std::uint8_t, 64> wide{};  // a, then zeros: reduced mod L
  std::memcpy(wide.data(), az.data(), 32);
  crypto_core_ed25519_scalar_reduce(scalar.data(), wide.data());
  std::memcpy(prefix.data(), az.data() + 32, 32);
  sodium_memzero(az.data(), az.size());
  sodium_memzero(wide.data(), wide.size());
}

// Lowers the calling thread to SCHED_IDLE: it then runs only on a CPU no other thread wants.
void RunOnlyWhenIdle() {
  sched_param param{};
  param.sched_priority = 0;
  (void)pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);  // best effort
  (void)pthread_setname_np(pthread_self(), "licet-nonces");
}

}  // namespace

PrecomputedNonceSigner::PrecomputedNonceSigner(const std::array<std::uint8_t, 64>& secret_key,
                                               std::size_t capacity, bool background)
    : capacity_(capacity), key_(secret_key) {
  // Without libsodium's start or its locked memory, every signature is made whole, as libsodium
  // makes it: slower, never wrong.
  if (capacity_ == 0 || sodium_init() < 0) return;
  secrets_ = static_cast<Secrets*>(sodium_malloc(sizeof(Secrets)));
  pool_ = static_cast<Nonce*>(sodium_allocarray(capacity_, sizeof(Nonce)));
  if (secrets_ == nullptr || pool_ == nullptr) {
    sodium_free(secrets_);
    sodium_free(pool_);
    secrets_ = nullptr;
    pool_ = nullptr;
    return;
  }
  ExpandKey(secret_key, secrets_->scalar, secrets_->prefix);
  if (background) filler_ = std::thread([this] { Fill(); });
}

PrecomputedNonceSigner::~PrecomputedNonceSigner() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_filler_.notify_all();
  if (filler_.joinable()) filler_.join();
  sodium_free(pool_);  // wipes what it frees
  sodium_free(secrets_);
  sodium_memzero(key_.data(), key_.size());
}

std::array<std::uint8_t, 64> PrecomputedNonceSigner::Sign(std::string_view message) {
  const auto* m = reinterpret_cast<const unsigned char*>(message.data());
  std::array<std::uint8_t, 64> sig{};
  if (pool_ == nullptr) {
    crypto_sign_detached(sig.data(), nullptr, m, message.size(), key_.data());
    inline_.fetch_add(1, std::memory_order_relaxed);
    return sig;
  }
  Nonce nonce;
  if (TakeNonce(nonce)) {
    precomputed_.fetch_add(1, std::memory_order_relaxed);
  } else {
    std::array<Nonce, kInlineBatch> made;
    MakeNonces(made);
    nonce = made[0];
    Pool(std::span(made).subspan(1));
    sodium_memzero(made.data(), sizeof(Nonce));
    inline_.fetch_add(1, std::memory_order_relaxed);
  }
  // k = SHA-512(R || A || M) mod L; S = r + k·a mod L.
  crypto_hash_sha512_state h;
  crypto_hash_sha512_init(&h);
  crypto_hash_sha512_update(&h, nonce.point.data(), nonce.point.size());
  crypto_hash_sha512_update(&h, key_.data() + 32, 32);  // A, the public key
  crypto_hash_sha512_update(&h, m, message.size());
  std::array<std::uint8_t, 64> hram{};
  crypto_hash_sha512_final(&h, hram.data());
  Bytes32 k{};
  crypto_core_ed25519_scalar_reduce(k.data(), hram.data());
  Bytes32 ka{};
  crypto_core_ed25519_scalar_mul(ka.data(), k.data(), secrets_->scalar.data());
  std::memcpy(sig.data(), nonce.point.data(), 32);
  crypto_core_ed25519_scalar_add(sig.data() + 32, nonce.r.data(), ka.data());
  sodium_memzero(&nonce, sizeof nonce);
  sodium_memzero(ka.data(), ka.size());
  return sig;
}

void PrecomputedNonceSigner::WaitUntilFull() {
  std::unique_lock lock(mu_);
  if (pool_ == nullptr || !filler_.joinable()) return;  // nothing would fill it
  filled_.wait(lock, [this] { return size_ == capacity_ || stop_; });
}

bool PrecomputedNonceSigner::TakeNonce(Nonce& out) {
  std::lock_guard lock(mu_);
  if (size_ == 0) return false;  // (always so without a pool)
  --size_;
  std::memcpy(&out, &pool_[size_], sizeof(Nonce));
  sodium_memzero(&pool_[size_], sizeof(Nonce));
  // One wake-up per half pool, not per signature: a wake-up costs a system call or two.
  if (size_ == capacity_ / 2) wake_filler_.notify_one();
  return true;
}

void PrecomputedNonceSigner::Pool(std::span<Nonce> nonces) {
  {
    std::lock_guard lock(mu_);
    const std::size_t count = std::min(nonces.size(), capacity_ - size_);
    std::memcpy(&pool_[size_], nonces.data(), count * sizeof(Nonce));
    size_ += count;
  }
  sodium_memzero(nonces.data(), nonces.size_bytes());
}

void PrecomputedNonceSigner::MakeNonces(std::span<Nonce> out) {
  std::array<Bytes32, kBatch> scalars;
  std::array<Bytes32, kBatch> points;
  std::array<Bytes32, kBatch> randoms;  // drawn together: one system call for the batch
  randombytes_buf(randoms.data(), out.size() * sizeof(Bytes32));
  for (std::size_t i = 0; i < out.size(); ++i) {
    while (true) {
      // A counter no other derivation, on any thread, uses: a nonce stays unique even if the
      // random generator repeated itself.
      const std::uint64_t counter = next_counter_.fetch_add(1, std::memory_order_relaxed);
      std::array<std::uint8_t, 8> count{};
      for (std::size_t b = 0; b < count.size(); ++b) {
        count[b] = static_cast<std::uint8_t>(counter >> (8 * b));
      }
      crypto_hash_sha512_state h;
      crypto_hash_sha512_init(&h);
      crypto_hash_sha512_update(&h, secrets_->prefix.data(), secrets_->prefix.size());
      crypto_hash_sha512_update(&h, randoms[i].data(), randoms[i].size());
      crypto_hash_sha512_update(&h, count.data(), count.size());
      std::array<std::uint8_t, 64> wide{};
      crypto_hash_sha512_final(&h, wide.data());
      crypto_core_ed25519_scalar_reduce(scalars[i].data(), wide.data());
      sodium_memzero(wide.data(), wide.size());
      if (sodium_is_zero(scalars[i].data(), scalars[i].size()) == 0) break;
      // r = 0 (probability 2^-252) would give the neutral point: draw again.
      randombytes_buf(randoms[i].data(), randoms[i].size());
    }
  }
  Ed25519BaseMultiples(std::span(scalars.data(), out.size()), std::span(points.data(), out.size()));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = {.r = scalars[i], .point = points[i]};
  sodium_memzero(scalars.data(), sizeof scalars);
  sodium_memzero(randoms.data(), sizeof randoms);
}

void PrecomputedNonceSigner::Fill() {
  RunOnlyWhenIdle();
  std::array<Nonce, kBatch> batch;
  std::unique_lock lock(mu_);
  while (!stop_) {
    while (!stop_ && size_ < capacity_) {
      const std::size_t count = std::min(kBatch, capacity_ - size_);
      lock.unlock();
      MakeNonces(std::span(batch.data(), count));
      // Signatures may have taken pairs meanwhile, or pooled their own: what no longer fits goes.
      Pool(std::span(batch.data(), count));
      lock.lock();
    }
    filled_.notify_all();
    wake_filler_.wait(lock, [this] { return stop_ || size_ <= capacity_ / 2; });
  }
}

}  // namespace licet
