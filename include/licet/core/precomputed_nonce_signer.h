// Ed25519 signatures whose expensive half is made ahead of time, in CPU time nothing else wants:
// licet-server's license tokens and licet-volume's replies.
//
// An Ed25519 signature is (R, S) with R = [r]B and S = r + SHA-512(R || A || M)·a mod L. The
// fixed-base multiplication [r]B is ~90% of a signature (27 of libsodium's 30 us on this machine:
// bench/RESULTS.md) and needs the message only because RFC 8032 derives r from it. Here r is
// drawn ahead instead, and a background thread at SCHED_IDLE priority keeps up to `capacity`
// pairs (r, [r]B) ready; it runs only when a CPU would otherwise idle, as the activation path's
// CPUs do while they wait for the disk. It makes them kBatch at a time with Licet's constant-time
// fixed-base multiplication (licet/core/ed25519_base.h), whose points share one field inversion:
// about 0.55 of libsodium's time per point here. Sign takes a pair and finishes the signature
// with one SHA-512 and two scalar operations. With none ready (a busy server leaves the thread
// little idle time), the signing thread makes kInlineBatch pairs itself, signs with one and pools
// the others: sharing one inversion, each point costs ~0.6 of libsodium's (bench/RESULTS.md).
//
// The nonces are hedged: r = SHA-512(prefix || 32 random bytes || counter) mod L, with `prefix`
// the secret half of the expanded key (as in RFC 8032), so r stays secret and unique even if the
// system's random generator failed. Each pair is used once and wiped; the pool is locked memory
// (sodium_malloc), and a batch being made sits on its thread's stack only until it is pooled. The
// signatures verify as any Ed25519 signature; only determinism goes (two signatures of one message
// differ), which nothing relies on: a re-sent activation gets the token stored with its first
// answer, and a volume host signs a fresh reply to every request.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <string_view>
#include <thread>

#include "licet/core/ed25519_base.h"
#include "licet/core/paseto.h"

namespace licet {

class PrecomputedNonceSigner final : public paseto::Ed25519Signer {
 public:
  /// `secret_key`: libsodium's 64 bytes (seed, then public key). Starts the background thread,
  /// which makes `capacity` pairs and then sleeps until half of them are used. Small on purpose:
  /// the pool smooths bursts and fills idle moments, it does not bank a benchmark's warm-up. With
  /// `capacity` 0, or without locked memory for the pool, every signature is made whole as
  /// libsodium makes it. `background` false: no thread, only signatures fill the pool (tests).
  explicit PrecomputedNonceSigner(const std::array<std::uint8_t, 64>& secret_key,
                                  std::size_t capacity = kDefaultCapacity, bool background = true);
  ~PrecomputedNonceSigner() override;
  PrecomputedNonceSigner(const PrecomputedNonceSigner&) = delete;
  PrecomputedNonceSigner& operator=(const PrecomputedNonceSigner&) = delete;

  /// Thread-safe.
  [[nodiscard]] std::array<std::uint8_t, 64> Sign(std::string_view message) override;

  /// Signatures made from a ready pair, and made without one: from a pair the signing thread made
  /// (or, without a pool, whole as libsodium makes them) (for /metrics).
  [[nodiscard]] std::uint64_t precomputed_signatures() const { return precomputed_.load(); }
  [[nodiscard]] std::uint64_t inline_signatures() const { return inline_.load(); }

  /// Blocks until the background thread filled the pool (tests; a server never needs to).
  void WaitUntilFull();

  static constexpr std::size_t kDefaultCapacity = 256;
  /// Pairs made at a time by the background thread, and by a signature that found none ready.
  static constexpr std::size_t kBatch = 32;
  static constexpr std::size_t kInlineBatch = 4;
  static_assert(kBatch <= kEd25519BaseBatchMax && kInlineBatch <= kBatch);

 private:
  struct Nonce {
    std::array<std::uint8_t, 32> r;      // secret scalar, < L
    std::array<std::uint8_t, 32> point;  // [r]B, encoded
  };
  struct Secrets {                        // in sodium_malloc'd memory
    std::array<std::uint8_t, 32> scalar;  // a mod L
    std::array<std::uint8_t, 32> prefix;  // the nonce derivation's secret
  };

  void Fill();  // the background thread
  // Fills `out` (at most kBatch) with fresh pairs, the points made together
  // (licet/core/ed25519_base.h: one field inversion for the batch). Thread-safe.
  void MakeNonces(std::span<Nonce> out);
  bool TakeNonce(Nonce& out);
  // Adds what fits of `nonces` to the pool and wipes them all.
  void Pool(std::span<Nonce> nonces);

  const std::size_t capacity_;
  std::array<std::uint8_t, 64> key_;  // libsodium's secret key (the caller holds it too)
  Secrets* secrets_ = nullptr;
  Nonce* pool_ = nullptr;  // capacity_ slots, the first size_ ready
  std::mutex mu_;
  std::condition_variable wake_filler_;
  std::condition_variable filled_;
  std::size_t size_ = 0;
  bool stop_ = false;
  std::atomic<std::uint64_t> next_counter_{0};  // each nonce's own, in its derivation
  std::atomic<std::uint64_t> precomputed_{0};
  std::atomic<std::uint64_t> inline_{0};
  std::thread filler_;
};

}  // namespace licet
