// Short keyed hashes of an activation's key, machine and request, which the activations table's
// index holds instead of the texts themselves (schema version 5, sqlite_schema.h).
//
// Why: every activation adds an index entry at a random place (machines arrive in no order), so
// each commit writes one index leaf per activation. With the texts in the index (a 29-character
// key, a hardware ID, a CMID and a nonce: ~70-170 bytes an entry), a leaf held 20-40 entries and
// split every few inserts; three 64-bit tags make an entry ~30 bytes, and the log receives a
// fifth fewer pages per commit (bench/RESULTS.md, twentieth session). A tag only narrows the
// search: every query still compares the texts, so two texts with the same tag are told apart.
// The index is unique on the three tags, so a request whose three tags all equal a recorded
// one's would be refused: a chance of 2^-64 for two requests of one machine.
//
// The hash is SipHash-2-4 (libsodium's crypto_shorthash) under a random key made once per
// database: without the key, nobody can choose hardware IDs whose tags collide, so a client
// cannot make one key's lookups slow.
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
  /// The tag of one request of a machine, its CMID and nonce (the third, which makes the index
  /// unique: a request is recorded once).
  [[nodiscard]] std::int64_t Request(std::string_view cmid, std::string_view nonce) const {
    return Of({cmid, nonce});
  }

  /// SipHash-2-4 under `secret` of the parts, each preceded by its length (so that ("ab", "c")
  /// and ("a", "bc") differ), as a signed 64-bit integer (SQLite's).
  static std::int64_t Tag(const Secret& secret, std::initializer_list<std::string_view> parts);

 private:
  std::int64_t Of(std::initializer_list<std::string_view> parts) const {
    return Tag(secret_, parts);
  }

  Secret secret_;
};

/// Registers licet_tag(secret, text [, text]) on `db`: ActivationTags::Tag in SQL, for the
/// migration that fills the tags of the activations already stored. Errors: kInternal.
[[nodiscard]] Status RegisterActivationTagFunction(sqlite3* db);

}  // namespace licet::server
