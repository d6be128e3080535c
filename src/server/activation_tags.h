// Short keyed hashes of an activation's key and machine, which the store looks activations up by
// instead of the texts themselves (schema versions 5, 7 and 8, sqlite_schema.h): the columns of
// activation_machines, and the writer's index in memory (machine_index.h).
//
// History: versions 5-7 kept them, with a third tag of the request (CMID and nonce), in an index
// on the activations, where every activation added an entry at a random leaf; shorter entries
// (three 64-bit tags in version 5, ~35 bytes, three 32-bit tags in version 7, ~23, against the
// texts' ~70-170) meant fewer leaves to write (bench/RESULTS.md, twentieth and twenty-fifth
// sessions). Version 8 dropped that index (twenty-sixth session). A tag only narrows the search:
// every lookup still compares the texts, so two texts with the same tag are told apart.
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

  /// The tag of a product key.
  [[nodiscard]] std::int64_t Key(std::string_view key) const { return Of({key}); }
  /// The tag of a machine's hardware ID.
  [[nodiscard]] std::int64_t Machine(std::string_view hardware_id) const {
    return Of({hardware_id});
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
