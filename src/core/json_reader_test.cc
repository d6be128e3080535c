#include "licet/core/json_reader.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <nlohmann/json.hpp>
#include <random>

#include "internal/json_compare.h"

// Counts this thread's allocations while `g_counting` is set (for the allocation test below).
thread_local bool g_counting = false;
thread_local int g_allocations = 0;

// Replaceable global allocation functions that pair malloc with free; GCC, seeing both, warns
// of a mismatch it cannot tell from a replacement.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  if (g_counting) ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  if (g_counting) ++g_allocations;
  return std::malloc(n == 0 ? 1 : n);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace licet {
namespace {

// A first check pays for each page its allocations touch: a document without escapes costs the
// node array and the member-name buffer, each allocated once at its final size.
TEST(JsonReaderTest, ADocumentWithoutEscapesTakesTwoAllocations) {
  nlohmann::json written = {{"list", {1, 2, {{"x", "y"}}, nlohmann::json::array()}},
                            {"nested", {{"a", {{"b", {{"c", true}}}}}}}};
  for (int i = 0; i < 40; ++i) written[fmt::format("member{}", i)] = {{"v", i}, {"w", "text"}};
  for (const int indent : {-1, 2}) {
    const std::string text = written.dump(indent);
    g_allocations = 0;
    g_counting = true;
    const StatusOr<JsonDocument> doc = JsonDocument::Parse(text);
    g_counting = false;
    ASSERT_TRUE(doc.ok()) << doc.status();
    EXPECT_EQ(doc->root().at("member39").at("v").integer<int>(), 39);
    EXPECT_LE(g_allocations, 2) << "indent " << indent;
  }
}

// The node array's size is counted eight bytes at a time: every structural byte must count, at
// every offset in a word, or the array grows (a third allocation).
TEST(JsonReaderTest, EveryStructuralByteIsCountedAtEveryOffset) {
  const std::string dense = R"([{"a":[1,{"b":[]}],"c":{"d":[2,3,[4]]}},[],{},[[{"e":5}]]])";
  for (std::size_t lead = 0; lead < 16; ++lead) {
    const std::string text = std::string(lead, ' ') + dense;
    g_allocations = 0;
    g_counting = true;
    const StatusOr<JsonDocument> doc = JsonDocument::Parse(text);
    g_counting = false;
    ASSERT_TRUE(doc.ok()) << doc.status();
    const JsonValue d = doc->root().elements()[0].at("c").at("d");
    EXPECT_EQ(d.elements()[2].elements()[0].integer<int>(), 4);
    EXPECT_LE(g_allocations, 2) << "offset " << lead;
  }
}

TEST(JsonReaderTest, ReadsWhatNlohmannJsonWrites) {
  const nlohmann::json written = {
      {"text", "plain"},
      {"escapes",
       "quote \" backslash \\ slash / tab \t newline \n nul "
       "\x01 \x1f"},
      {"unicode", "é ü € 😀 ─"},
      {"empty", ""},
      {"numbers",
       {0, -1, 42, std::numeric_limits<std::int64_t>::min(),
        std::numeric_limits<std::uint64_t>::max(), 1.5, -2.25e-3}},
      {"flags", {true, false, nullptr}},
      {"nested",
       {{"a", {{"b", {{"c", nlohmann::json::array()}}}}}, {"d", nlohmann::json::object()}}},
  };
  for (const int indent : {-1, 2}) {
    const std::string text = written.dump(indent);
    const StatusOr<JsonDocument> doc = JsonDocument::Parse(text);
    ASSERT_TRUE(doc.ok()) << doc.status();
    EXPECT_TRUE(core_internal::SameJsonValue(doc->root(), nlohmann::json::parse(text))) << text;
  }
}

TEST(JsonReaderTest, EscapesDecodeToUtf8) {
  const std::string text =
      R"({"a": "\u00e9\u20ac\ud83d\ude00\/\b\f\n\r\t\"\\", "b": "x\u0000y", "c": "\u0041BC"})";
  const StatusOr<JsonDocument> doc = JsonDocument::Parse(text);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->root().at("a").string(), "é€😀/\b\f\n\r\t\"\\");
  EXPECT_EQ(doc->root().at("b").string(), std::string_view("x\0y", 3));
  EXPECT_EQ(doc->root().at("c").string(), "ABC");
}

// Strings are scanned eight bytes at a time until a byte that needs a look: each such byte, at
// every offset in and across those blocks, is still seen.
TEST(JsonReaderTest, EveryByteThatNeedsALookIsSeenAtEveryOffset) {
  struct Special {
    std::string in_text;  // as written inside the quotes
    std::string decoded;  // what the string holds; empty with `valid` false: refused
    bool valid = true;
  };
  const std::vector<Special> specials = {
      {"\\\"", "\"", true},            // an escaped quote
      {"\\\\", "\\", true},            // an escaped backslash
      {"\xc3\xa9", "\xc3\xa9", true},  // é, two bytes of UTF-8
      {"\x7f", "\x7f", true},          // DEL is plain
      {"\x1f", "", false},             // a control byte
      {"\n", "", false},               // a raw newline
      {"\xff", "", false},             // not UTF-8
      {"\xc3", "", false},             // a sequence cut short
  };
  for (const Special& special : specials) {
    for (std::size_t before = 0; before < 20; ++before) {
      for (const std::size_t after : {0u, 1u, 7u, 8u, 9u, 17u}) {
        const std::string plain_before(before, 'a');
        const std::string plain_after(after, 'z');
        const std::string text = "[\"" + plain_before + special.in_text + plain_after + "\"]";
        const StatusOr<JsonDocument> doc = JsonDocument::Parse(text);
        const std::string where =
            fmt::format("special {:?} after {} bytes, {} after", special.in_text, before, after);
        ASSERT_EQ(doc.ok(), special.valid) << where;
        if (special.valid) {
          EXPECT_EQ(doc->root().elements().at(0).string(),
                    plain_before + special.decoded + plain_after)
              << where;
        }
      }
    }
  }
  // Unterminated, with the end of the text inside a block or on its edge.
  for (std::size_t length = 0; length < 20; ++length) {
    EXPECT_FALSE(JsonDocument::Parse("[\"" + std::string(length, 'a')).ok()) << length;
  }
}

TEST(JsonReaderTest, DecodedStringsSurviveMovingTheDocument) {
  const std::string text = R"(["\u0041\u0042", "plain"])";
  StatusOr<JsonDocument> parsed = JsonDocument::Parse(text);
  ASSERT_TRUE(parsed.ok());
  const JsonDocument moved = std::move(*parsed);
  const std::vector<JsonValue> e = moved.root().elements();
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].string(), "AB");
  EXPECT_EQ(e[1].string(), "plain");
}

TEST(JsonReaderTest, MalformedTextIsInvalidArgumentWithItsOffset) {
  const std::vector<std::string> bad = {"",
                                        " ",
                                        "{",
                                        "}",
                                        "[1,]",
                                        R"({"a":1,})",
                                        "01",
                                        "-01",
                                        "1.",
                                        ".5",
                                        "-",
                                        "1e",
                                        "1e+",
                                        "+1",
                                        "tru",
                                        "nul",
                                        "NaN",
                                        "Infinity",
                                        "[1 2]",
                                        R"({"a" 1})",
                                        "{1:2}",
                                        R"({"a":})",
                                        "[1] x",
                                        "//c\n1",
                                        "\"abc",
                                        "\"\x01\"",
                                        R"("\x")",
                                        R"("\u12")",
                                        R"("\u12G4")",
                                        R"("\uDC00")",
                                        R"("\uD800")",
                                        R"("\uD800\u0041")",
                                        R"("\uD800x")",
                                        "\"\xC0\xAF\"",
                                        "\"\xC1\xBF\"",
                                        "\"\xED\xA0\x80\"",
                                        "\"\xF4\x90\x80\x80\"",
                                        "\"\xE2\x82\"",
                                        "\"\xE2\x82\"x",
                                        "\"\x80\"",
                                        "\"\xF8\x88\x80\x80\x80\"",
                                        "\"\xFF\"",
                                        std::string("[1,\0]", 5),
                                        "[\"a\"\"b\"]",
                                        "\xEF\xBB",
                                        "\xEF\xBB\xBF"};
  for (const std::string& text : bad) {
    const StatusOr<JsonDocument> doc = JsonDocument::Parse(text);
    ASSERT_FALSE(doc.ok()) << text;
    EXPECT_EQ(doc.status().code(), ErrorCode::kInvalidArgument) << text;
    EXPECT_NE(doc.status().message().find("at byte"), std::string::npos) << doc.status();
    EXPECT_FALSE(nlohmann::json::accept(text)) << "nlohmann-json accepts " << text;
  }
  const StatusOr<JsonDocument> trailing = JsonDocument::Parse("[1,]");
  EXPECT_NE(trailing.status().message().find("at byte 3"), std::string::npos) << trailing.status();
}

TEST(JsonReaderTest, AMemberNamedTwiceIsRefused) {
  for (const std::string text :
       {R"({"a":1,"b":2,"a":3})", R"({"a":1,"\u0061":2})", R"([{"x":{"y":1,"y":1}}])"}) {
    const StatusOr<JsonDocument> doc = JsonDocument::Parse(text);
    ASSERT_FALSE(doc.ok()) << text;
    EXPECT_NE(doc.status().message().find("appears twice"), std::string::npos) << doc.status();
  }
  // The same name in different objects is fine.
  EXPECT_TRUE(JsonDocument::Parse(R"({"a":{"a":1},"b":{"a":2}})").ok());
  // The message points at the second one.
  EXPECT_NE(JsonDocument::Parse(R"({"a":1,"b":2,"a":3})").status().message().find("at byte 13"),
            std::string::npos);
}

TEST(JsonReaderTest, ALargeObjectIsCheckedForTwiceNamedMembersToo) {
  // Names in ascending order need no more look; others are compared pair by pair in small
  // objects and sorted in larger ones: all three ways are run ("m10" sorts before "m2", "m010"
  // after "m002").
  for (const char* name_format : {"m{}", "m{:03}"}) {
    for (const int members : {5, 24, 25, 300}) {
      const auto name = [&](int i) { return fmt::format(fmt::runtime(name_format), i); };
      std::string unique = "{";
      for (int i = 0; i < members; ++i) {
        unique += fmt::format("{}\"{}\":{}", i ? "," : "", name(i), i);
      }
      EXPECT_TRUE(JsonDocument::Parse(unique + "}").ok()) << members;
      for (const int again : {members / 2, members - 1}) {
        const std::string repeated = unique + fmt::format(",\"{}\":0}}", name(again));
        const StatusOr<JsonDocument> doc = JsonDocument::Parse(repeated);
        ASSERT_FALSE(doc.ok()) << repeated;
        EXPECT_NE(doc.status().message().find(fmt::format("\"{}\" appears twice", name(again))),
                  std::string::npos)
            << doc.status();
      }
    }
  }
}

// find starts after the member it found last: lookups in any order, absent names between them,
// and copies of the object all find what is there.
TEST(JsonReaderTest, FindFindsEveryMemberInAnyOrder) {
  std::string text = "{";
  for (int i = 0; i < 30; ++i) text += fmt::format("{}\"k{:02}\":{}", i ? "," : "", i, i);
  text += "}";
  const StatusOr<JsonDocument> doc = JsonDocument::Parse(text);
  ASSERT_TRUE(doc.ok()) << doc.status();
  std::vector<int> order(30);
  for (int i = 0; i < 30; ++i) order[static_cast<std::size_t>(i)] = i;
  std::mt19937 rng(3);
  for (int round = 0; round < 20; ++round) {
    if (round == 1) std::reverse(order.begin(), order.end());
    if (round > 1) std::shuffle(order.begin(), order.end(), rng);
    const JsonValue object = doc->root();
    for (const int i : order) {
      ASSERT_EQ(object.at(fmt::format("k{:02}", i)).integer<int>(), i) << "round " << round;
      EXPECT_FALSE(object.contains(fmt::format("k{:02}x", i)));
      const JsonValue copy = object;
      EXPECT_EQ(copy.at(fmt::format("k{:02}", (i + 7) % 30)).integer<int>(), (i + 7) % 30);
    }
  }
}

TEST(JsonReaderTest, NestingDeeperThanTheLimitIsRefused) {
  const auto nested = [](int depth) {
    return std::string(static_cast<std::size_t>(depth), '[') +
           std::string(static_cast<std::size_t>(depth), ']');
  };
  EXPECT_TRUE(JsonDocument::Parse(nested(JsonDocument::kMaxDepth)).ok());
  const StatusOr<JsonDocument> deep = JsonDocument::Parse(nested(JsonDocument::kMaxDepth + 1));
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.status().message().find("64 levels"), std::string::npos) << deep.status();
  EXPECT_FALSE(JsonDocument::Parse(std::string(100000, '{')).ok());
}

TEST(JsonReaderTest, AByteOrderMarkAndSurroundingWhitespaceAreSkipped) {
  const StatusOr<JsonDocument> doc = JsonDocument::Parse("\xEF\xBB\xBF \t\r\n{\"a\": true} \n");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_TRUE(doc->root().at("a").boolean());
}

TEST(JsonReaderTest, IntegersAreReadExactlyOrRefused) {
  const StatusOr<JsonDocument> doc = JsonDocument::Parse(
      R"({"small": 7, "negative": -7, "zero": -0, "min": -9223372036854775808,
          "max": 18446744073709551615, "huge": 18446744073709551616,
          "below": -9223372036854775809, "fraction": 1.0, "exponent": 1e2})");
  ASSERT_TRUE(doc.ok()) << doc.status();
  const JsonValue r = doc->root();
  EXPECT_EQ(r.at("small").integer<int>(), 7);
  EXPECT_EQ(r.at("negative").integer<int>(), -7);
  EXPECT_EQ(r.at("zero").integer<std::uint32_t>(), 0u);
  EXPECT_EQ(r.at("min").integer<std::int64_t>(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(r.at("max").integer<std::uint64_t>(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_THROW((void)r.at("small").integer<int>(0, 5), JsonReadError);
  EXPECT_THROW((void)r.at("negative").integer<std::uint32_t>(), JsonReadError);
  EXPECT_THROW((void)r.at("max").integer<std::int64_t>(), JsonReadError);
  EXPECT_THROW((void)r.at("huge").integer<std::uint64_t>(), JsonReadError);
  EXPECT_THROW((void)r.at("below").integer<std::int64_t>(), JsonReadError);
  EXPECT_THROW((void)r.at("fraction").integer<int>(), JsonReadError);
  EXPECT_THROW((void)r.at("exponent").integer<int>(), JsonReadError);
  EXPECT_FALSE(r.at("fraction").is_integral());
}

TEST(JsonReaderTest, AccessorsNameTheMemberTheyCouldNotRead) {
  const StatusOr<JsonDocument> doc = JsonDocument::Parse(R"({"cmid": 5, "list": ["a", 1]})");
  ASSERT_TRUE(doc.ok());
  const JsonValue r = doc->root();
  const auto message = [](const auto& read) -> std::string {
    try {
      read();
    } catch (const JsonReadError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(message([&] { (void)r.at("cmid").string(); }), "\"cmid\" is a number, not a string");
  EXPECT_EQ(message([&] { (void)r.at("edition"); }),
            "member \"edition\" is missing from the document");
  EXPECT_EQ(message([&] { (void)r.at("cmid").at("x"); }), "\"cmid\" is a number, not an object");
  EXPECT_EQ(message([&] { (void)r.at("list").strings(); }), "\"list\" is a number, not a string");
  EXPECT_EQ(message([&] { (void)r.string(); }), "the document is an object, not a string");
  EXPECT_FALSE(r.find("edition").has_value());
  EXPECT_TRUE(r.contains("list"));
}

}  // namespace
}  // namespace licet
