// JsonValue's accessors over a parsed JsonDocument (json_reader.h); the parser that fills the
// document's nodes is json_reader.cc.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "licet/core/json_reader.h"

namespace licet {
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
