#include "licet/core/json_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "licet/core/json_reader.h"

namespace licet {
namespace {

using nlohmann::json;

TEST(JsonWriterTest, WritesNestedObjectsAndArraysWithCommasWhereTheyBelong) {
  JsonWriter w;
  w.BeginObject().Member("token", "v4.public.x").Key("activation").BeginObject();
  w.Member("replayed", false).Member("used", std::uint32_t{3}).EndObject();
  w.Key("list").BeginArray().Integer(1).String("two").Null().BeginArray().EndArray().EndArray();
  w.Key("empty").BeginObject().EndObject().EndObject();
  EXPECT_EQ(std::move(w).Take(),
            R"({"token":"v4.public.x","activation":{"replayed":false,"used":3},)"
            R"("list":[1,"two",null,[]],"empty":{}})");
}

TEST(JsonWriterTest, IntegersKeepTheirFullRange) {
  JsonWriter w;
  w.BeginArray().Integer(std::numeric_limits<std::int64_t>::min());
  w.Integer(std::numeric_limits<std::uint64_t>::max()).Integer(0).EndArray();
  EXPECT_EQ(std::move(w).Take(), "[-9223372036854775808,18446744073709551615,0]");
}

TEST(JsonWriterTest, EscapesWhatJsonRequiresAndKeepsUtf8) {
  const std::string text = std::string("quote\" back\\ nl\n tab\t bell\x07 nul") + '\0' +
                           " slash/ accents \xC3\xA9\xE2\x82\xAC \xF0\x9F\x94\x91";
  JsonWriter w;
  w.BeginObject().Member(text, text).EndObject();
  const std::string out = std::move(w).Take();
  EXPECT_NE(out.find(R"(quote\" back\\ nl\n tab\t bell\u0007 nul\u0000 slash/)"), std::string::npos)
      << out;
  // Both readers give the text back, byte for byte.
  const json parsed = json::parse(out);
  EXPECT_EQ(parsed.at(text).get<std::string>(), text);
  const StatusOr<JsonDocument> doc = JsonDocument::Parse(out);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  EXPECT_EQ(doc->root().at(text).string(), text);
}

TEST(JsonWriterTest, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  // A lone continuation byte, a truncated sequence, an overlong encoding, a UTF-16 surrogate and
  // a code point past U+10FFFF: each invalid byte is one U+FFFD, and the text stays valid JSON.
  const std::string bad =
      "a\x80"
      "b\xE2\x82"
      "c\xC0\xAF"
      "d\xED\xA0\x80"
      "e\xF4\x90\x80\x80";
  JsonWriter w;
  w.BeginArray().String(bad).EndArray();
  const std::string out = std::move(w).Take();
  const StatusOr<JsonDocument> doc = JsonDocument::Parse(out);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(doc->root().elements().at(0).string(), "a" + fffd + "b" + fffd + fffd + "c" + fffd +
                                                       fffd + "d" + fffd + fffd + fffd + "e" +
                                                       fffd + fffd + fffd + fffd);
}

// Plain runs are skipped eight bytes at a time: every byte that needs care, at every offset of a
// long plain text (within a word, at its edges, in the tail), must still be escaped or replaced
// exactly as nlohmann-json writes it.
TEST(JsonWriterTest, EveryEscapeAtEveryOffsetOfALongText) {
  const std::string plain = "eyJraWQiOiJsYWItMjAyNi0xMSJ9.ABCDEFGHabcdefgh01234567-_+/=%~ ";
  const std::vector<std::string> specials = {
      "\"",       "\\",           std::string(1, '\0'), "\x1F", "\n", "\x7F",
      "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x94\x91",   "\x80"};
  for (const std::string& special : specials) {
    for (std::size_t at = 0; at <= plain.size(); ++at) {
      std::string text = plain.substr(0, at);  // appended: GCC 12 warns falsely on a + b + c
      text.append(special).append(plain, at);
      JsonWriter w;
      w.String(text);
      const std::string expected = json(text).dump(-1, ' ', false, json::error_handler_t::replace);
      EXPECT_EQ(std::move(w).Take(), expected) << "at " << at;
    }
  }
}

TEST(JsonWriterTest, MatchesNlohmannOnTheSameValues) {
  JsonWriter w;
  w.BeginObject().Member("a", "x\x1Fy").Member("b", -42).Member("c", true).EndObject();
  EXPECT_EQ(json::parse(std::move(w).Take()), (json{{"a", "x\x1Fy"}, {"b", -42}, {"c", true}}));
}

}  // namespace
}  // namespace licet
