#include "licet/core/json_writer.h"

#include <cstdint>
#include <cstring>

#include "internal/utf8.h"

namespace licet {
namespace {

// The length of `text`'s leading run of characters a JSON string holds as they are (printable
// ASCII but '"' and '\\'), eight at a time: a license token's kilobyte of base64 is one run.
// A byte is special when it is below 0x20, equal to '"' or '\\', or 0x80 and above.
std::size_t PlainPrefix(std::string_view text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101;
  constexpr std::uint64_t kHighs = 0x8080808080808080;
  const auto has_zero_byte = [](std::uint64_t w) { return (w - kOnes) & ~w & kHighs; };
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    // Each test sets a byte's high bit when it hits (the first may also on bytes >= 0x80,
    // which the last test catches anyway).
    const std::uint64_t control = (w - 0x20 * kOnes) & ~w & kHighs;  // bytes below 0x20
    const std::uint64_t quote = has_zero_byte(w ^ ('"' * kOnes));
    const std::uint64_t backslash = has_zero_byte(w ^ ('\\' * kOnes));
    if ((control | quote | backslash | (w & kHighs)) != 0) break;
  }
  return i;  // the caller looks at the rest byte by byte
}

}  // namespace

JsonWriter& JsonWriter::BeginObject() { return Open('{'); }
JsonWriter& JsonWriter::EndObject() { return Close('}'); }
JsonWriter& JsonWriter::BeginArray() { return Open('['); }
JsonWriter& JsonWriter::EndArray() { return Close(']'); }

JsonWriter& JsonWriter::Open(char bracket) {
  Separate();
  out_ += bracket;
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::Close(char bracket) {
  out_ += bracket;
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view name) {
  Separate();
  Quoted(name);
  out_ += ':';
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  Separate();
  Quoted(value);
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  Separate();
  out_ += value ? "true" : "false";
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::Null() {
  Separate();
  out_ += "null";
  need_comma_ = true;
  return *this;
}

void JsonWriter::Quoted(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out_.reserve(out_.size() + text.size() + 2);
  out_ += '"';
  std::size_t plain_from = 0;  // text[plain_from, i) is copied as it is
  std::size_t i = PlainPrefix(text);
  const auto flush = [&] { out_.append(text.substr(plain_from, i - plain_from)); };
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (const std::size_t n = core_internal::Utf8SequenceLength(text.substr(i)); n != 0) {
        i += n;
        continue;
      }
    }
    flush();
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\b':
        out_ += "\\b";
        break;
      case '\f':
        out_ += "\\f";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default:
        if (c < 0x20) {
          out_ += "\\u00";
          out_ += kHex[c >> 4];
          out_ += kHex[c & 0xF];
        } else {
          out_ += "\xEF\xBF\xBD";  // U+FFFD for a byte that starts no UTF-8 sequence
        }
    }
    plain_from = ++i;
  }
  flush();
  out_ += '"';
}

}  // namespace licet
