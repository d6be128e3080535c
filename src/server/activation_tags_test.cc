// ActivationTags: the stored format (the high half of SipHash-2-4 of length-prefixed parts) must
// never change, or a store's activation_machines would no longer find the activations it holds.
#include "activation_tags.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sqlite3.h>

#include <bit>
#include <cstdint>
#include <string>

namespace licet::server {
namespace {

constexpr ActivationTags::Secret kSecret = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

// libsodium's SipHash-2-4 of `message` under kSecret, as SQLite's signed integer.
std::int64_t SipHash64(const std::string& message) {
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                   kSecret.data());
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= std::uint64_t{out[i]} << (8 * i);
  return std::bit_cast<std::int64_t>(value);
}

// What the store keeps of it (schema version 7): the high 32 bits, sign-extended.
std::int64_t SipHash(const std::string& message) {
  return static_cast<std::int32_t>(static_cast<std::uint64_t>(SipHash64(message)) >> 32);
}

TEST(ActivationTagsTest, EachPartIsHashedAfterItsLittleEndianLength) {
  ASSERT_GE(sodium_init(), 0);
  const ActivationTags tags(kSecret);
  EXPECT_EQ(tags.Key("C47P6"), SipHash(std::string("\x05\0\0\0C47P6", 9)));
  EXPECT_EQ(tags.Machine(""), SipHash(std::string("\0\0\0\0", 4)));
  // Several parts (version 5 tagged a request by its CMID and nonce).
  const auto two_parts = [](std::string_view a, std::string_view b) {
    return ActivationTags::Stored(ActivationTags::Tag(kSecret, {a, b}));
  };
  EXPECT_EQ(two_parts("ab", "c"), SipHash(std::string("\x02\0\0\0ab\x01\0\0\0c", 11)));
  EXPECT_NE(two_parts("ab", "c"), two_parts("a", "bc"));
  const std::string long_id(3000, 'h');  // past the stack buffer
  EXPECT_EQ(tags.Machine(long_id), SipHash(std::string("\xb8\x0b\0\0", 4) + long_id));
}

TEST(ActivationTagsTest, StoredTagsAreTheHashesHighHalvesInFourBytes) {
  const ActivationTags tags(kSecret);
  int negative = 0;
  for (int i = 0; i < 64; ++i) {
    const std::string id = "hw-" + std::to_string(i);
    const std::int64_t tag = tags.Machine(id);
    EXPECT_GE(tag, INT32_MIN);
    EXPECT_LE(tag, INT32_MAX);
    EXPECT_EQ(tag, ActivationTags::Stored(ActivationTags::Tag(kSecret, {id})));
    negative += tag < 0 ? 1 : 0;
  }
  EXPECT_GT(negative, 0);  // the sign survives the shift, as it does in SQL's >>
  EXPECT_LT(negative, 64);
}

TEST(ActivationTagsTest, AnotherSecretGivesOtherTags) {
  ActivationTags::Secret other = kSecret;
  other[0] ^= 1;
  EXPECT_NE(ActivationTags(kSecret).Machine("hw-1"), ActivationTags(other).Machine("hw-1"));
}

TEST(ActivationTagsTest, TheSqlFunctionComputesTheSameTags) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  ASSERT_TRUE(RegisterActivationTagFunction(db).ok());
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT licet_tag(?1, 'hw-1'), licet_tag(?1, 'ab', 'c'), "
                               "licet_tag(x'00', 'hw-1')",
                               -1, &st, nullptr),
            SQLITE_OK);
  sqlite3_bind_blob(st, 1, kSecret.data(), static_cast<int>(kSecret.size()), SQLITE_STATIC);
  EXPECT_EQ(sqlite3_step(st), SQLITE_ERROR);  // the third call's secret is one byte
  sqlite3_finalize(st);
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT licet_tag(?1, 'hw-1'), licet_tag(?1, 'ab', 'c')", -1,
                               &st, nullptr),
            SQLITE_OK);
  sqlite3_bind_blob(st, 1, kSecret.data(), static_cast<int>(kSecret.size()), SQLITE_STATIC);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  const ActivationTags tags(kSecret);
  // licet_tag gives version 5's 64-bit tags; version 7's migration keeps their high halves.
  EXPECT_EQ(sqlite3_column_int64(st, 0), SipHash64(std::string("\x04\0\0\0hw-1", 8)));
  EXPECT_EQ(ActivationTags::Stored(sqlite3_column_int64(st, 0)), tags.Machine("hw-1"));
  EXPECT_EQ(sqlite3_column_int64(st, 1), ActivationTags::Tag(kSecret, {"ab", "c"}));
  sqlite3_finalize(st);
  // SQL's >> is the same arithmetic shift as Stored's.
  ASSERT_EQ(
      sqlite3_prepare_v2(db, "SELECT licet_tag(?1, 'hw-1') >> 32, licet_tag(?1, 'hw-2') >> 32", -1,
                         &st, nullptr),
      SQLITE_OK);
  sqlite3_bind_blob(st, 1, kSecret.data(), static_cast<int>(kSecret.size()), SQLITE_STATIC);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(st, 0), tags.Machine("hw-1"));
  EXPECT_EQ(sqlite3_column_int64(st, 1), tags.Machine("hw-2"));
  sqlite3_finalize(st);
  sqlite3_close(db);
}

}  // namespace
}  // namespace licet::server
