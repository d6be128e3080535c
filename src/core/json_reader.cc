// A recursive-descent parser over the text, appending one node per value in document order (an
// object's members as a name node followed by the value's subtree), so a value's children are the
// nodes up to its `end`. Strings are validated as UTF-8 byte by byte (Unicode's table 3-7) and
// copied only when they hold an escape.
#include "licet/core/json_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "internal/utf8.h"

namespace licet {
namespace {

constexpr std::uint64_t kOneBytes = 0x0101010101010101ull;
constexpr std::uint64_t kHighBits = 0x8080808080808080ull;

// The eight bytes of `text` from `pos` as one word, the first in its lowest byte.
std::uint64_t WordAt(std::string_view text, std::size_t pos) {
  std::uint64_t w;
  std::memcpy(&w, text.data() + pos, sizeof w);
  return w;
}

// The high bit of each byte of `w` that equals `c`, and possibly of bytes equal to c ^ 1 that
// follow such a byte in the text (the subtraction's borrow): enough to find one, or to bound a
// count.
constexpr std::uint64_t BytesEqualTo(std::uint64_t w, char c) {
  const std::uint64_t v = w ^ (kOneBytes * static_cast<unsigned char>(c));
  return (v - kOneBytes) & ~v & kHighBits;
}

}  // namespace

class JsonParser {
 public:
  explicit JsonParser(std::string_view text, JsonDocument& doc) : text_(text), doc_(doc) {}

  Status Run() {
    // Every node but the root follows its own ',', '[', '{' or ':' (a member's name follows '{' or
    // ',', its value ':'), so their count bounds the nodes (strings holding those characters only
    // make it larger), and each object's names fit in one buffer too: two allocations, close to
    // the size needed, which a first check pays for by the page (docs/sdk.md).
    const StructuralCounts counts = CountStructural(text_);
    doc_.nodes_.reserve(1 + counts.openings_and_commas + counts.colons);
    names_.reserve(counts.colons);
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    SkipSpace();
    LICET_RETURN_IF_ERROR(Value(0));
    SkipSpace();
    if (pos_ != text_.size()) return Error("the end of the document");
    return OkStatus();
  }

 private:
  using Node = JsonDocument::Node;

  Status Error(std::string_view expected) const {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("not valid JSON: at byte {}, expected {}", pos_, expected));
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }

  void SkipSpace() {
    while (!AtEnd()) {
      const char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++pos_;
    }
  }

  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  std::uint32_t Append(Node node) {
    doc_.nodes_.push_back(node);
    return static_cast<std::uint32_t>(doc_.nodes_.size() - 1);
  }
  void Close(std::uint32_t index) {
    doc_.nodes_[index].end = static_cast<std::uint32_t>(doc_.nodes_.size());
  }

  Status Value(int depth) {
    switch (Peek()) {
      case '{':
        return Object(depth + 1);
      case '[':
        return Array(depth + 1);
      case '"': {
        LICET_ASSIGN_OR_RETURN(const Node s, String());
        Close(Append(s));
        return OkStatus();
      }
      case 't':
      case 'f':
      case 'n': {
        const bool is_true = Literal("true");
        if (is_true || Literal("false")) {
          Close(Append(Node{.type = JsonType::kBool, .flag = is_true}));
        } else if (Literal("null")) {
          Close(Append(Node{.type = JsonType::kNull}));
        } else {
          return Error("true, false or null");
        }
        return OkStatus();
      }
      default:
        return Number();
    }
  }

  Status Object(int depth) {
    if (depth > JsonDocument::kMaxDepth) return Error("nesting at most 64 levels deep");
    const std::uint32_t self = Append(Node{.type = JsonType::kObject});
    ++pos_;  // '{'
    const std::size_t names_before = names_.size();
    bool more = FirstFollows('}');
    while (more) {
      SkipSpace();
      if (Peek() != '"') return Error("a member name");
      const auto name_at = static_cast<std::uint32_t>(pos_);
      LICET_ASSIGN_OR_RETURN(const Node name, String());
      const std::uint32_t name_node = Append(name);
      Close(name_node);
      names_.push_back({.node = name_node, .at = name_at});
      SkipSpace();
      if (Peek() != ':') return Error("':'");
      ++pos_;
      SkipSpace();
      LICET_RETURN_IF_ERROR(Value(depth));
      LICET_ASSIGN_OR_RETURN(more, AnotherFollows('}'));
    }
    LICET_RETURN_IF_ERROR(UniqueNames(names_before));
    Close(self);
    return OkStatus();
  }

  // Just inside an array or object: false if `close` ends it at once (consumed).
  bool FirstFollows(char close) {
    SkipSpace();
    if (Peek() != close) return true;
    ++pos_;
    return false;
  }

  // After an element or a member: true at ',' (another one follows), false at `close` (the end;
  // both consumed).
  StatusOr<bool> AnotherFollows(char close) {
    SkipSpace();
    if (Peek() == ',' || Peek() == close) return text_[pos_++] == ',';
    return Error(close == '}' ? "',' or '}'" : "',' or ']'");
  }

  // The names this object added to names_ (from `first`) must differ; they are dropped after.
  // Names in ascending order (as our files write them) differ. Otherwise a small object's names
  // are compared pair by pair: quicker than sorting a few, and a first license check then does not
  // load std::sort's code. Larger ones (any number) are sorted.
  Status UniqueNames(std::size_t first) {
    constexpr std::size_t kComparedPairwise = 24;
    const auto begin = names_.begin() + static_cast<std::ptrdiff_t>(first);
    const auto text = [this](const Name& n) { return doc_.TextOf(doc_.nodes_[n.node]); };
    const auto same = [&](const Name& x, const Name& y) { return text(x) == text(y); };
    const auto not_above = [&](const Name& x, const Name& y) { return text(y) <= text(x); };
    const bool ascending = std::adjacent_find(begin, names_.end(), not_above) == names_.end();
    std::optional<Name> twice;  // the second place of a name
    if (ascending) {
      // all differ
    } else if (names_.size() - first <= kComparedPairwise) {
      for (auto a = begin; a != names_.end() && !twice; ++a) {
        const auto b = std::find_if(std::next(a), names_.end(),
                                    [&](const Name& later) { return same(later, *a); });
        if (b != names_.end()) twice = *b;
      }
    } else {
      std::sort(begin, names_.end(), [&](const Name& x, const Name& y) {
        return std::pair(text(x), x.at) < std::pair(text(y), y.at);
      });
      const auto a = std::adjacent_find(begin, names_.end(), same);
      if (a != names_.end()) twice = *std::next(a);
    }
    if (twice) {
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("not valid JSON: at byte {}, member \"{}\" appears twice",
                                twice->at, text(*twice)));
    }
    names_.resize(first);
    return OkStatus();
  }

  Status Array(int depth) {
    if (depth > JsonDocument::kMaxDepth) return Error("nesting at most 64 levels deep");
    const std::uint32_t self = Append(Node{.type = JsonType::kArray});
    ++pos_;  // '['
    bool more = FirstFollows(']');
    while (more) {
      SkipSpace();
      LICET_RETURN_IF_ERROR(Value(depth));
      LICET_ASSIGN_OR_RETURN(more, AnotherFollows(']'));
    }
    Close(self);
    return OkStatus();
  }

  bool Digit() const { return Peek() >= '0' && Peek() <= '9'; }

  Status Number() {
    const std::size_t start = pos_;
    Node n{.type = JsonType::kNumber, .integral = true};
    if (Peek() == '-') {
      n.flag = true;
      ++pos_;
    }
    if (!Digit()) return Error("a value");
    if (Peek() == '0') {
      ++pos_;
    } else {
      std::uint64_t magnitude = 0;  // only to tell whether it fits (JsonValue reads it again)
      for (; Digit(); ++pos_) {
        const std::uint64_t d = static_cast<std::uint64_t>(Peek() - '0');
        if (magnitude > (std::numeric_limits<std::uint64_t>::max() - d) / 10) n.integral = false;
        magnitude = magnitude * 10 + d;
      }
    }
    if (Peek() == '.') {
      n.integral = false;
      ++pos_;
      if (!Digit()) return Error("a digit after '.'");
      while (Digit()) ++pos_;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      n.integral = false;
      ++pos_;
      if (Peek() == '+' || Peek() == '-') ++pos_;
      if (!Digit()) return Error("a digit in the exponent");
      while (Digit()) ++pos_;
    }
    n.offset = static_cast<std::uint32_t>(start);
    n.length = static_cast<std::uint32_t>(pos_ - start);
    Close(Append(n));
    return OkStatus();
  }

  // The string node of the string starting at the opening quote: its bytes in the text when it
  // holds no escape, else decoded into the document's buffer.
  StatusOr<Node> String() {
    ++pos_;  // '"'
    const std::size_t start = pos_;
    char* out = nullptr;  // set at the first escape
    const auto put = [&](std::string_view bytes) {
      std::memcpy(out, bytes.data(), bytes.size());
      out += bytes.size();
    };
    std::size_t copied_to = start;  // text before this is in `out` already
    for (;;) {
      pos_ = SkipPlainBytes(text_, pos_);
      if (AtEnd()) return Error("'\"' to end the string");
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') break;
      if (c < 0x20) return Error("no control character in a string (escape it)");
      if (c >= 0x80) {
        LICET_RETURN_IF_ERROR(Utf8Sequence());
        continue;
      }
      if (c != '\\') {
        ++pos_;
        continue;
      }
      if (out == nullptr) {
        // The first escape in the document sizes the buffer to the whole text (decoding never
        // lengthens a string), so views into it stay valid as it fills.
        if (!doc_.decoded_) doc_.decoded_ = std::make_unique_for_overwrite<char[]>(text_.size());
        out = doc_.decoded_.get() + decoded_used_;
      }
      put(text_.substr(copied_to, pos_ - copied_to));
      LICET_RETURN_IF_ERROR(Escape(out));
      copied_to = pos_;
    }
    const std::size_t end = pos_;
    ++pos_;  // '"'
    if (out == nullptr) {
      return Node{.type = JsonType::kString,
                  .offset = static_cast<std::uint32_t>(start),
                  .length = static_cast<std::uint32_t>(end - start)};
    }
    put(text_.substr(copied_to, end - copied_to));
    const std::size_t begin = decoded_used_;
    decoded_used_ = static_cast<std::size_t>(out - doc_.decoded_.get());
    return Node{.type = JsonType::kString,
                .decoded = true,
                .offset = static_cast<std::uint32_t>(begin),
                .length = static_cast<std::uint32_t>(decoded_used_ - begin)};
  }

  // The first position from `pos` that is not a plain byte of a string (printable ASCII other
  // than '"' and '\\'), eight bytes at a time: a token is ~900 plain bytes. Within the last
  // seven bytes of the text it may stop early, at a plain byte.
  static std::size_t SkipPlainBytes(std::string_view text, std::size_t pos) {
    for (; pos + 8 <= text.size(); pos += 8) {
      const std::uint64_t w = WordAt(text, pos);
      const std::uint64_t special = (w & kHighBits) |                            // >= 0x80
                                    ((w - kOneBytes * 0x20) & ~w & kHighBits) |  // < 0x20
                                    BytesEqualTo(w, '"') | BytesEqualTo(w, '\\');
      // The lowest marked byte is special: the subtractions mark no byte below the first one
      // that borrows.
      if (special != 0) return pos + static_cast<std::size_t>(__builtin_ctzll(special)) / 8;
    }
    return pos;
  }

  struct StructuralCounts {
    std::size_t openings_and_commas = 0;
    std::size_t colons = 0;
  };

  // How many bytes of `text` are ',', '[' or '{', and how many are ':', eight bytes at a time.
  // Never fewer than there are; a byte right after a match may count too (BytesEqualTo).
  static StructuralCounts CountStructural(std::string_view text) {
    // The number of marked bytes: each marked byte's bit moved to the bottom of its byte, then
    // all eight bytes summed into the top one.
    const auto marked = [](std::uint64_t marks) { return ((marks >> 7) * kOneBytes) >> 56; };
    StructuralCounts counts;
    std::size_t pos = 0;
    for (; pos + 8 <= text.size(); pos += 8) {
      const std::uint64_t w = WordAt(text, pos);
      counts.openings_and_commas +=
          marked(BytesEqualTo(w, ',') | BytesEqualTo(w, '[') | BytesEqualTo(w, '{'));
      counts.colons += marked(BytesEqualTo(w, ':'));
    }
    for (const char c : text.substr(pos)) {
      counts.openings_and_commas += c == ',' || c == '[' || c == '{';
      counts.colons += c == ':';
    }
    return counts;
  }

  // One multi-byte UTF-8 sequence at pos_, advanced past it. Not inlined, like Escape: String's
  // loop over plain ASCII stays small (a first check pays for each page of code it runs).
  [[gnu::noinline]] Status Utf8Sequence() {
    const std::size_t length = core_internal::Utf8SequenceLength(text_.substr(pos_));
    if (length == 0) return Error("valid UTF-8");
    pos_ += length;
    return OkStatus();
  }

  // Four hex digits at pos_.
  std::optional<unsigned> Hex4() {
    if (pos_ + 4 > text_.size()) return std::nullopt;
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_ + static_cast<std::size_t>(i)];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<unsigned>(c - 'A' + 10);
      } else {
        return std::nullopt;
      }
    }
    pos_ += 4;
    return v;
  }

  // The escape at pos_ (a backslash), decoded to `out` (advanced).
  [[gnu::noinline]] Status Escape(char*& out) {
    ++pos_;  // '\\'
    const char c = Peek();
    ++pos_;
    constexpr std::string_view kLetters = "\"\\/bfnrt";
    constexpr std::string_view kMeanings = "\"\\/\b\f\n\r\t";
    if (const std::size_t i = kLetters.find(c); i != std::string_view::npos) {
      *out++ = kMeanings[i];
      return OkStatus();
    }
    if (c != 'u') {
      --pos_;
      return Error("an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
    }
    std::optional<unsigned> cp = Hex4();
    if (!cp) return Error("four hex digits after \\u");
    if (*cp >= 0xDC00 && *cp <= 0xDFFF) return Error("a high surrogate before a low one");
    if (*cp >= 0xD800 && *cp <= 0xDBFF) {
      if (!Literal("\\u")) return Error("a low surrogate (\\uDC00-\\uDFFF) after a high one");
      const std::optional<unsigned> low = Hex4();
      if (!low || *low < 0xDC00 || *low > 0xDFFF) {
        return Error("a low surrogate (\\uDC00-\\uDFFF) after a high one");
      }
      *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
    }
    const unsigned v = *cp;
    const auto put = [&](unsigned byte) { *out++ = static_cast<char>(byte); };
    if (v < 0x80) {
      put(v);
    } else if (v < 0x800) {
      put(0xC0 | (v >> 6));
      put(0x80 | (v & 0x3F));
    } else if (v < 0x10000) {
      put(0xE0 | (v >> 12));
      put(0x80 | ((v >> 6) & 0x3F));
      put(0x80 | (v & 0x3F));
    } else {
      put(0xF0 | (v >> 18));
      put(0x80 | ((v >> 12) & 0x3F));
      put(0x80 | ((v >> 6) & 0x3F));
      put(0x80 | (v & 0x3F));
    }
    return OkStatus();
  }

  std::string_view text_;
  JsonDocument& doc_;
  std::size_t pos_ = 0;
  std::size_t decoded_used_ = 0;
  // The member names of the open objects: their nodes and where they start in the text.
  struct Name {
    std::uint32_t node;
    std::uint32_t at;
  };
  std::vector<Name> names_;
};

StatusOr<JsonDocument> JsonDocument::Parse(std::string_view text) {
  // Offsets are 32-bit: a 16-byte node (see Node).
  if (text.size() >= std::numeric_limits<std::uint32_t>::max()) {
    return Status(ErrorCode::kInvalidArgument, "JSON text of 4 GiB or more is not read");
  }
  JsonDocument doc;
  doc.text_ = text;
  JsonParser parser(text, doc);
  LICET_RETURN_IF_ERROR(parser.Run());
  return doc;
}

namespace {

std::string_view TypeName(JsonType t) {
  switch (t) {
    case JsonType::kNull:
      return "null";
    case JsonType::kBool:
      return "a boolean";
    case JsonType::kNumber:
      return "a number";
    case JsonType::kString:
      return "a string";
    case JsonType::kArray:
      return "an array";
    case JsonType::kObject:
      return "an object";
  }
  return "a value";
}

}  // namespace

JsonType JsonValue::type() const { return doc_->nodes_[index_].type; }

std::string JsonValue::Name() const {
  return name_.empty() ? std::string("the document") : fmt::format("\"{}\"", name_);
}

void JsonValue::Fail(std::string_view wanted) const {
  throw JsonReadError(fmt::format("{} is {}, not {}", Name(), TypeName(type()), wanted));
}

std::optional<JsonValue> JsonValue::find(std::string_view key) const {
  if (type() != JsonType::kObject) Fail("an object");
  const auto& nodes = doc_->nodes_;
  const auto scan = [&](std::uint32_t from, std::uint32_t to) -> std::optional<JsonValue> {
    for (std::uint32_t i = from; i < to; i = nodes[i + 1].end) {
      if (doc_->TextOf(nodes[i]) == key) {
        next_member_ = nodes[i + 1].end;
        return JsonValue(doc_, i + 1, key);
      }
    }
    return std::nullopt;
  };
  // From the member after the last one found to the end, then from the first up to there: a
  // reader that asks for the members in the text's order compares one name per lookup.
  const std::uint32_t first = index_ + 1;
  const std::uint32_t resume = next_member_ != 0 ? next_member_ : first;
  if (std::optional<JsonValue> v = scan(resume, nodes[index_].end)) return v;
  return scan(first, resume);
}

JsonValue JsonValue::at(std::string_view key) const {
  std::optional<JsonValue> v = find(key);
  if (!v) throw JsonReadError(fmt::format("member \"{}\" is missing from {}", key, Name()));
  return *v;
}

std::string_view JsonValue::string() const {
  if (type() != JsonType::kString) Fail("a string");
  return doc_->TextOf(doc_->nodes_[index_]);
}

bool JsonValue::boolean() const {
  if (type() != JsonType::kBool) Fail("true or false");
  return doc_->nodes_[index_].flag;
}

bool JsonValue::is_integral() const {
  if (type() != JsonType::kNumber) Fail("a number");
  return doc_->nodes_[index_].integral;
}

std::pair<bool, std::uint64_t> JsonValue::IntegerParts() const {
  if (!is_integral()) Fail("an integer");
  // Its digits again: the parse found they fit in 64 bits.
  const JsonDocument::Node& n = doc_->nodes_[index_];
  std::uint64_t magnitude = 0;
  for (const char c : doc_->TextOf(n).substr(n.flag ? 1 : 0)) {
    magnitude = magnitude * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return {n.flag && magnitude != 0, magnitude};
}

std::size_t JsonValue::Count(std::uint32_t step) const {
  const auto& nodes = doc_->nodes_;
  std::size_t n = 0;
  for (std::uint32_t i = index_ + 1; i < nodes[index_].end; i = nodes[i + step].end) ++n;
  return n;
}

std::vector<JsonValue> JsonValue::elements() const {
  if (type() != JsonType::kArray) Fail("an array");
  std::vector<JsonValue> out;
  out.reserve(Count(0));  // one allocation, not a doubling chain (a first check pays by the page)
  const auto& nodes = doc_->nodes_;
  for (std::uint32_t i = index_ + 1; i < nodes[index_].end; i = nodes[i].end) {
    out.push_back(JsonValue(doc_, i, name_));
  }
  return out;
}

std::vector<std::string> JsonValue::strings() const {
  if (type() != JsonType::kArray) Fail("an array");
  std::vector<std::string> out;
  out.reserve(Count(0));
  const auto& nodes = doc_->nodes_;
  for (std::uint32_t i = index_ + 1; i < nodes[index_].end; i = nodes[i].end) {
    out.emplace_back(JsonValue(doc_, i, name_).string());
  }
  return out;
}

std::vector<std::pair<std::string_view, JsonValue>> JsonValue::members() const {
  if (type() != JsonType::kObject) Fail("an object");
  std::vector<std::pair<std::string_view, JsonValue>> out;
  out.reserve(Count(1));
  const auto& nodes = doc_->nodes_;
  for (std::uint32_t i = index_ + 1; i < nodes[index_].end; i = nodes[i + 1].end) {
    const std::string_view name = doc_->TextOf(nodes[i]);
    out.emplace_back(name, JsonValue(doc_, i + 1, name));
  }
  return out;
}

}  // namespace licet
