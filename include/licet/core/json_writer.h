// File: json_writer.h
// JSON text written front to back into one string, with no document built first: for the
// activation service's answers and the claims a license token signs, where a nlohmann-json
// document costs allocations per member on every activation (bench/RESULTS.md). Strings are
// escaped as RFC 8259 asks (quote, backslash, control characters); bytes that are not UTF-8 are
// written as U+FFFD, so the text is always valid JSON in UTF-8.
//
//   JsonWriter w;
//   w.BeginObject().Member("token", token).Key("activation").BeginObject();
//   w.Member("used", 3).EndObject().EndObject();
//   std::string text = std::move(w).Take();  // {"token":"...","activation":{"used":3}}
//
// The caller nests Begin/End and alternates Key and value inside objects; the writer adds the
// commas. Not thread-safe (one writer per text).
#pragma once

#include <charconv>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

namespace licet {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  /// An object member's name; its value is the next thing written.
  JsonWriter& Key(std::string_view name);

  JsonWriter& String(std::string_view value);
  template <std::integral T>
  requires(!std::same_as<T, bool>) JsonWriter& Integer(T value) {
    Separate();
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out_.append(digits, end);
    need_comma_ = true;
    return *this;
  }
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  /// Key(name) and the value.
  JsonWriter& Member(std::string_view name, std::string_view value) {
    return Key(name).String(value);
  }
  // A literal would otherwise take the bool overload (a pointer converts to bool first).
  JsonWriter& Member(std::string_view name, const char* value) { return Key(name).String(value); }
  template <std::integral T>
  requires(!std::same_as<T, bool>) JsonWriter& Member(std::string_view name, T value) {
    return Key(name).Integer(value);
  }
  JsonWriter& Member(std::string_view name, bool value) { return Key(name).Bool(value); }

  /// The text written so far.
  [[nodiscard]] std::string Take() && { return std::move(out_); }

 private:
  // A comma when a value or member came before at this level.
  void Separate() {
    if (need_comma_) out_ += ',';
  }
  // An object's or array's opening bracket (after a comma if needed), and its closing one.
  JsonWriter& Open(char bracket);
  JsonWriter& Close(char bracket);
  void Quoted(std::string_view text);

  std::string out_;
  bool need_comma_ = false;  // the last thing written ends a value
};

}  // namespace licet
