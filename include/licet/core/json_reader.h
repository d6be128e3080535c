// File: json_reader.h
// A small, strict JSON reader for what a license check reads in a fresh process: store.json,
// observed.json and a license token's claims. One pass over the text builds a flat array of
// values; strings without escapes stay views into the text.
//
// Why a reader of our own when Licet writes and reads everything else with nlohmann-json: an
// application's first check pays for every page of code it touches and every allocation it
// makes, and nlohmann's parser (a DOM of std::map nodes, a lexer that copies each character) was
// a third of that check (bench/RESULTS.md, "Application SDK"). This one is a few pages of code and
// two allocations per document. It reads everything nlohmann-json writes.
//
//   LICET_ASSIGN_OR_RETURN(const JsonDocument doc, JsonDocument::Parse(text));
//   try {
//     const std::string cmid(doc.root().at("cmid").string());
//   } catch (const JsonReadError& e) { ... }  // a member missing or of the wrong type
//
// Grammar: RFC 8259, strictly. One value with whitespace around it (a leading UTF-8 byte-order
// mark is skipped, as nlohmann-json does); no comments, trailing commas, NaN or leading zeros;
// strings are valid UTF-8 (no overlong forms, no surrogates) and \u escapes come in valid pairs;
// a member name appears once per object; at most kMaxDepth levels of arrays and objects.
//
// Errors: Parse returns kInvalidArgument naming the byte offset and what was expected. The
// accessors throw JsonReadError naming the member; read a whole document inside one try block and
// turn the exception into the caller's own Status there (exceptions never leave that function).
// Thread-safety: a document is immutable once parsed; read it from any thread, each with its own
// JsonValue objects (find remembers where it last matched).
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "licet/core/status.h"

namespace licet {

/// A member that is missing or holds the wrong type; what() names it.
class JsonReadError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

enum class JsonType : std::uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

class JsonDocument;

/// A view of one value of a JsonDocument; valid while the document and its text are.
class JsonValue {
 public:
  [[nodiscard]] JsonType type() const;
  [[nodiscard]] bool is_null() const { return type() == JsonType::kNull; }
  [[nodiscard]] bool is_string() const { return type() == JsonType::kString; }
  [[nodiscard]] bool is_object() const { return type() == JsonType::kObject; }

  /// The member `key` of this object; nullopt when absent. Throws if this is not an object.
  /// Starts after the member it last found, so members asked for in the text's order cost one
  /// comparison each; that memory makes one JsonValue unfit for concurrent finds (copies are).
  [[nodiscard]] std::optional<JsonValue> find(std::string_view key) const;
  /// The member `key` of this object. Throws if absent or if this is not an object.
  [[nodiscard]] JsonValue at(std::string_view key) const;
  [[nodiscard]] bool contains(std::string_view key) const { return find(key).has_value(); }

  /// The string, decoded (UTF-8). Throws if this is not a string.
  [[nodiscard]] std::string_view string() const;
  /// Throws if this is not true or false.
  [[nodiscard]] bool boolean() const;
  /// The number as a T in [min, max]. Throws if it is not an integer (a fraction or an exponent)
  /// or falls outside the range: a number from a file is never wrapped or truncated.
  template <typename T>
  [[nodiscard]] T integer(T min = std::numeric_limits<T>::min(),
                          T max = std::numeric_limits<T>::max()) const;
  /// An array of strings. Throws if this is not an array or an element is not a string.
  [[nodiscard]] std::vector<std::string> strings() const;

  /// The elements of an array, in order. Throws if this is not an array.
  [[nodiscard]] std::vector<JsonValue> elements() const;
  /// The members of an object, in the text's order. Throws if this is not an object.
  [[nodiscard]] std::vector<std::pair<std::string_view, JsonValue>> members() const;

  /// Whether a number has neither a fraction nor an exponent (its integer() may still be out
  /// of range). Throws if this is not a number.
  [[nodiscard]] bool is_integral() const;

 private:
  friend class JsonDocument;
  JsonValue(const JsonDocument* doc, std::uint32_t index, std::string_view name)
      : doc_(doc), index_(index), name_(name) {}

  // The number of elements (step 0) or members (step 1: past each name to its value's end).
  [[nodiscard]] std::size_t Count(std::uint32_t step) const;
  // The integer's sign and magnitude; throws unless it is an integer that fits in 64 bits.
  [[nodiscard]] std::pair<bool, std::uint64_t> IntegerParts() const;
  [[noreturn]] void Fail(std::string_view wanted) const;
  // The value's name for errors: its member name, quoted, or "the document".
  [[nodiscard]] std::string Name() const;

  const JsonDocument* doc_;
  std::uint32_t index_;
  mutable std::uint32_t next_member_ = 0;  // find's starting node (0: the first member)
  std::string_view name_;  // the member name this value was reached by (empty: the root)
};

class JsonDocument {
 public:
  /// Deepest nesting of arrays and objects Parse accepts.
  static constexpr int kMaxDepth = 64;

  /// Parses `text`, which must outlive the document (strings are views into it).
  /// Errors: kInvalidArgument, with the byte offset and what was expected there.
  [[nodiscard]] static StatusOr<JsonDocument> Parse(std::string_view text);

  [[nodiscard]] JsonValue root() const { return JsonValue(this, 0, {}); }

 private:
  friend class JsonValue;
  friend class JsonParser;

  // 16 bytes: a first license check pays for store.json's node array by the page.
  struct Node {
    JsonType type = JsonType::kNull;
    bool flag = false;         // bool: its value; number: negative
    bool integral = false;     // number: no fraction, no exponent, fits in 64 bits
    bool decoded = false;      // string: its bytes are in decoded_, not in the text
    std::uint32_t end = 0;     // index one past this value's subtree
    std::uint32_t offset = 0;  // string (decoded) and number (as written): where its bytes start
    std::uint32_t length = 0;
  };
  static_assert(sizeof(Node) == 16);

  JsonDocument() = default;

  // A string's decoded bytes or a number as written.
  [[nodiscard]] std::string_view TextOf(const Node& n) const {
    return {(n.decoded ? decoded_.get() : text_.data()) + n.offset, n.length};
  }

  std::string_view text_;
  std::vector<Node> nodes_;
  // Decoded strings that held escapes; made at the first escape, sized to the whole text
  // (decoding never lengthens a string), so views into it stay valid when the document moves.
  std::unique_ptr<char[]> decoded_;
};

template <typename T>
T JsonValue::integer(T min, T max) const {
  const auto [negative, magnitude] = IntegerParts();
  constexpr std::uint64_t kInt64Limit = std::uint64_t{1} << 63;
  if (negative && magnitude > kInt64Limit) Fail("an integer in range");
  const auto in_range = [&](auto v) {
    if (std::cmp_less(v, min) || std::cmp_greater(v, max)) Fail("an integer in range");
    return static_cast<T>(v);
  };
  if (!negative) return in_range(magnitude);
  // -magnitude as an int64 without overflow (magnitude may be exactly 2^63).
  return in_range(magnitude == kInt64Limit ? std::numeric_limits<std::int64_t>::min()
                                           : -static_cast<std::int64_t>(magnitude));
}

}  // namespace licet
