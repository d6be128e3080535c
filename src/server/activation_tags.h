// Short keyed hashes of an activation's key, machine and request, which the activations table's
// index holds instead of the texts themselves (schema versions 5 and 7, sqlite_schema.h).
//
// Why: every activation adds an index entry at a random place (machines arrive in no order), so
// each commit writes one index leaf per activation, and each checkpoint copies every leaf written
// since the last one. With the texts in the index (a 29-character key, a hardware ID, a CMID and
// a nonce: ~70-170 bytes an entry), a leaf held 20-40 entries; three 64-bit tags (version 5) made
// an entry ~35 bytes, and three 32-bit tags (version 7) ~23. The fewer the leaves, the longer the
// index stays in the page cache and the more of a checkpoint's leaves are the same few
// (bench/RESULTS.md, twentieth and twenty-fifth sessions). A tag only narrows the search: every
// query still compares the texts, so two texts with the same tag are told apart, and the index is
// not unique (two requests of one machine share a 32-bit request tag once in 2^32).
//
// The hash is SipHash-2-4 (libsodium's crypto_shorthash) under a random key made once per
// database: without the key, nobody can choose hardware IDs whose tags collide, so a client
// cannot make one key's lookups slow. A stored tag is the high half of the 64-bit hash (what
// version 7 kept of version 5's tags).
//
//   const ActivationTags tags(key_from_the_database);
//   stmt.Bind(1, tags.Key(a.key)).Bind(2, tags.Machine(a.hardware_id));
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "licet/core/status.h"

struct sqlite3;

namespace licet::server {

class ActivationTags {
 public:
  using Secret = std::array<std::uint8_t, 16>;

  explicit ActivationTags(const Secret& secret) : secret_(secret) {}

  /// The tag of a product key (the index's first column).
  [[nodiscard]] std::int64_t Key(std::string_view key) const { return Of({key}); }
  /// The tag of a machine's hardware ID (the second).
  [[nodiscard]] std::int64_t Machine(std::string_view hardware_id) const {
    return Of({hardware_id});
  }
  /// The tag of one request of a machine, its CMID and nonce (the third, so that a replay is
  /// found among many activations of one machine).
  [[nodiscard]] std::int64_t Request(std::string_view cmid, std::string_view nonce) const {
    return Of({cmid, nonce});
  }

  /// SipHash-2-4 under `secret` of the parts, each preceded by its length (so that ("ab", "c")
  /// and ("a", "bc") differ), as a signed 64-bit integer (SQLite's). Version 5's tags.
  static std::int64_t Tag(const Secret& secret, std::initializer_list<std::string_view> parts);

  /// The stored tag of a 64-bit hash: its high half, in [-2^31, 2^31), which SQLite stores in 4
  /// bytes. The same as SQL's `tag >> 32`, which version 7 applied to the tags already stored.
  static constexpr std::int64_t Stored(std::int64_t tag) { return tag >> 32; }

 private:
  std::int64_t Of(std::initializer_list<std::string_view> parts) const {
    return Stored(Tag(secret_, parts));
  }

  Secret secret_;
};

/// Registers licet_tag(secret, text [, text]) on `db`: ActivationTags::Tag in SQL, for the
/// migration that fills the tags of the activations already stored. Errors: kInternal.
[[nodiscard]] Status RegisterActivationTagFunction(sqlite3* db);

}  // namespace licet::server
