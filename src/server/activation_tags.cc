// ActivationTags (activation_tags.h).
#include "activation_tags.h"

#include <fmt/format.h>
#include <sodium.h>
#include <sqlite3.h>

#include <bit>
#include <cstring>
#include <vector>

namespace licet::server {

static_assert(crypto_shorthash_KEYBYTES == sizeof(ActivationTags::Secret));
static_assert(crypto_shorthash_BYTES == sizeof(std::uint64_t));

std::int64_t ActivationTags::Tag(const Secret& secret,
                                 std::initializer_list<std::string_view> parts) {
  // Small enough for the stack in every use (a key, a hardware ID, a CMID and a nonce are
  // bounded by the API's validation); the vector only serves texts a migration brings.
  std::uint8_t stack[512];
  std::vector<std::uint8_t> heap;
  std::size_t size = 0;
  for (std::string_view part : parts) size += 4 + part.size();
  std::uint8_t* message = stack;
  if (size > sizeof stack) {
    heap.resize(size);
    message = heap.data();
  }
  std::size_t at = 0;
  for (std::string_view part : parts) {
    const auto length = static_cast<std::uint32_t>(part.size());
    for (int i = 0; i < 4; ++i) message[at++] = static_cast<std::uint8_t>(length >> (8 * i));
    if (!part.empty()) std::memcpy(message + at, part.data(), part.size());
    at += part.size();
  }
  std::uint8_t out[crypto_shorthash_BYTES];
  crypto_shorthash(out, message, size, secret.data());
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= std::uint64_t{out[i]} << (8 * i);
  return std::bit_cast<std::int64_t>(value);
}

namespace {

std::string_view TextArgument(sqlite3_value* value) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
  return text == nullptr
             ? std::string_view()
             : std::string_view(text, static_cast<std::size_t>(sqlite3_value_bytes(value)));
}

// licet_tag(secret BLOB of 16 bytes, text [, text]).
void TagFunction(sqlite3_context* context, int argc, sqlite3_value** argv) {
  if (sqlite3_value_bytes(argv[0]) != static_cast<int>(sizeof(ActivationTags::Secret))) {
    sqlite3_result_error(context, "licet_tag: the secret must be 16 bytes", -1);
    return;
  }
  ActivationTags::Secret secret;
  std::memcpy(secret.data(), sqlite3_value_blob(argv[0]), secret.size());
  const std::string_view first = TextArgument(argv[1]);
  sqlite3_result_int64(context, argc == 2
                                    ? ActivationTags::Tag(secret, {first})
                                    : ActivationTags::Tag(secret, {first, TextArgument(argv[2])}));
}

}  // namespace

Status RegisterActivationTagFunction(sqlite3* db) {
  for (int arity : {2, 3}) {
    if (sqlite3_create_function(db, "licet_tag", arity, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                &TagFunction, nullptr, nullptr) != SQLITE_OK) {
      return Status(ErrorCode::kInternal,
                    fmt::format("cannot register licet_tag: {}", sqlite3_errmsg(db)));
    }
  }
  return OkStatus();
}

}  // namespace licet::server
