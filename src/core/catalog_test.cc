#include "licet/core/catalog.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "licet/core/catalog_signature.h"

namespace licet {
namespace {

std::string ReadCatalogFile(const std::string& name) {
  std::ifstream in(std::string(LICET_CATALOG_DIR) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Catalog Lab() {
  StatusOr<Catalog> c =
      Catalog::Parse(CatalogBody(ReadCatalogFile("windows-server-2022.toml")), "lab");
  LICET_CHECK(c.ok(), c.status().ToString().c_str());
  return std::move(c).value();
}

TEST(CatalogTest, LabCatalogHasTheSeedEditions) {
  const Catalog c = Lab();
  EXPECT_TRUE(c.product().lab);
  EXPECT_EQ(c.product().application_id, "55c92734-d682-4d71-983e-d6ec3f16059f");
  for (const char* id : {"ServerStandardEval", "ServerDatacenterEval", "ServerStandard",
                         "ServerDatacenter", "ServerStandardCor", "ServerDatacenterCor"}) {
    EXPECT_NE(c.FindEdition(id), nullptr) << id;
  }
  EXPECT_TRUE(c.FindEdition("serverstandardeval")->evaluation);  // DISM IDs are case-insensitive
  EXPECT_EQ(c.policy().evaluation_days, 180);
  EXPECT_EQ(c.policy().initial_grace_days, 10);
  EXPECT_EQ(c.policy().forced_shutdown_interval_minutes, 60);
  EXPECT_EQ(c.volume().srv_service, "_vlmcs._tcp");
  EXPECT_EQ(c.volume().port, 1688);
  ASSERT_TRUE(c.lab_key_mac_secret().has_value());
}

TEST(CatalogTest, StorageSpacesDirectIsDatacenterOnly) {
  const Catalog c = Lab();
  const auto allows = [&](const char* edition) {
    const auto& f = c.FindEdition(edition)->features;
    return std::find(f.begin(), f.end(), "Storage-Spaces-Direct") != f.end();
  };
  EXPECT_TRUE(allows("ServerDatacenter"));
  EXPECT_TRUE(allows("ServerDatacenterCor"));
  EXPECT_FALSE(allows("ServerStandard"));
  EXPECT_FALSE(allows("ServerStandardEval"));
}

TEST(CatalogTest, SeedConversionRules) {
  const Catalog c = Lab();
  const auto verdict = [&](const char* from, const char* to) {
    return c.CheckConversion(from, to).verdict;
  };
  EXPECT_EQ(verdict("ServerStandardEval", "ServerStandard"), ConversionVerdict::kAllowed);
  EXPECT_EQ(verdict("ServerStandardEval", "ServerDatacenter"), ConversionVerdict::kAllowed);
  EXPECT_EQ(verdict("ServerStandardEval", "ServerStandardCor"),
            ConversionVerdict::kAllowed);  // one move
  EXPECT_EQ(verdict("ServerStandard", "ServerDatacenter"), ConversionVerdict::kAllowed);
  EXPECT_EQ(verdict("ServerStandard", "ServerStandardCor"), ConversionVerdict::kAllowed);
  EXPECT_EQ(verdict("ServerStandardCor", "ServerStandard"), ConversionVerdict::kAllowed);
  EXPECT_EQ(verdict("ServerDatacenter", "ServerDatacenterCor"), ConversionVerdict::kAllowed);
  EXPECT_EQ(verdict("ServerDatacenterCor", "ServerDatacenter"), ConversionVerdict::kAllowed);
  EXPECT_EQ(verdict("ServerDatacenter", "ServerStandard"), ConversionVerdict::kRefused);
  EXPECT_NE(c.CheckConversion("ServerDatacenter", "ServerStandard")
                .reason.find("cannot be converted down"),
            std::string::npos);
  EXPECT_EQ(verdict("ServerStandard", "ServerStandardEval"), ConversionVerdict::kNotATarget);
  EXPECT_EQ(verdict("ServerStandard", "ServerStandard"), ConversionVerdict::kSameEdition);
  EXPECT_EQ(verdict("ServerStandard", "ServerTurbine"), ConversionVerdict::kUnknownEdition);
}

TEST(CatalogTest, PublishedGvlksResolveToVolumeSkus) {
  const Catalog c = Lab();
  const StatusOr<ResolvedKey> std_key = c.ResolveKey("VDYBN-27WPP-V4HQT-9VMD4-VMK7H");
  ASSERT_TRUE(std_key.ok()) << std_key.status();
  EXPECT_EQ(std_key->sku->channel, Channel::kVolumeGvlk);
  EXPECT_EQ(std_key->sku->primary_edition(), "ServerStandard");
  EXPECT_TRUE(std_key->sku->Licenses("ServerStandardCor"));
  EXPECT_FALSE(std_key->via_alias);
  const StatusOr<ResolvedKey> dc_key = c.ResolveKey("wx4nm kywyw qjjr4 xv3qb 6vm33");
  ASSERT_TRUE(dc_key.ok()) << dc_key.status();
  EXPECT_EQ(dc_key->sku->primary_edition(), "ServerDatacenter");
}

TEST(CatalogTest, SeedMisprintedGvlkResolvesAsAlias) {
  const StatusOr<ResolvedKey> key = Lab().ResolveKey("VDYBN-27WPP-V4HQT-9VMD4-VMK7R");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_TRUE(key->via_alias);
  EXPECT_EQ(key->text, "VDYBN-27WPP-V4HQT-9VMD4-VMK7H");
}

TEST(CatalogTest, EncodedKeyMapsGroupToSku) {
  const Catalog c = Lab();
  const ProductKey key = ProductKey::Generate(2303, 17, *c.lab_key_mac_secret());
  const StatusOr<ResolvedKey> r = c.ResolveKey(key.text());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->sku->channel, Channel::kVolumeMak);
  EXPECT_EQ(r->sku->primary_edition(), "ServerDatacenter");
  ASSERT_TRUE(r->decoded.has_value());
  EXPECT_EQ(r->decoded->serial(), 17u);
}

TEST(CatalogTest, KeyOfUnknownGroupIsInvalidProductKey) {
  const Catalog c = Lab();
  const ProductKey key = ProductKey::Generate(999999, 1, *c.lab_key_mac_secret());
  const StatusOr<ResolvedKey> r = c.ResolveKey(key.text());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidProductKey);
  EXPECT_NE(r.status().message().find("key group 999999"), std::string_view::npos);
}

TEST(CatalogTest, VendorCatalogIsNotWindowsSpecific) {
  const StatusOr<Catalog> c =
      Catalog::Parse(CatalogBody(ReadCatalogFile("acme-studio.toml")), "acme");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->product().lab);
  EXPECT_FALSE(c->lab_key_mac_secret().has_value());
  EXPECT_TRUE(c->FindEdition("Trial")->evaluation);
  EXPECT_EQ(c->policy().notification_enforcement, Enforcement::kNag);
  EXPECT_EQ(c->CheckConversion("Trial", "Pro").verdict, ConversionVerdict::kAllowed);
  EXPECT_EQ(c->CheckConversion("Enterprise", "Pro").verdict, ConversionVerdict::kRefused);
}

// A minimal valid catalog; each invalid case below changes one thing.
constexpr std::string_view kMinimal = R"(format = 1
[product]
id = "p"
name = "P"
version = 1
application_id = "45d1a8e6-0a5d-4d9a-8e95-35bc45ba8f9d"
[vendor]
name = "V"
key_id = "k"
public_key = "qFV96ITc+FTvye6QgssR56+X5UInEyLNjLC7zSc04ag="
[[editions]]
id = "Trial"
name = "Trial"
evaluation = true
targets = ["Full"]
[[editions]]
id = "Full"
name = "Full"
[[skus]]
activation_id = "f145aa5f-3e9d-4767-a1c9-0726fc88af6d"
editions = ["Trial"]
channel = "Retail:TB:Eval"
[[skus]]
activation_id = "0202d785-a199-4437-9e58-03c45ce2d74d"
editions = ["Full"]
channel = "Retail"
key_groups = [1]
)";

std::string Replace(std::string_view text, std::string_view from, std::string_view to) {
  std::string s(text);
  const size_t pos = s.find(from);
  LICET_CHECK(pos != std::string::npos, "test pattern not found");
  s.replace(pos, from.size(), to);
  return s;
}

TEST(CatalogTest, MinimalCatalogParses) { EXPECT_TRUE(Catalog::Parse(kMinimal, "min").ok()); }

TEST(CatalogTest, InvalidCatalogsAreCatalogInvalidWithTheReason) {
  const std::pair<std::string, std::string> cases[] = {
      {Replace(kMinimal, "format = 1", "format = 2"), "format"},
      {Replace(kMinimal, "[product]", "[produit]"), "[product] is missing"},
      {Replace(kMinimal, "channel = \"Retail\"", "channel = \"Shop\""), "channel"},
      {Replace(kMinimal, "targets = [\"Full\"]", "targets = [\"Gold\"]"), "unknown edition Gold"},
      {Replace(kMinimal, "key_groups = [1]", "key_groups = [2000000]"), "key_groups"},
      {Replace(kMinimal, "channel = \"Retail:TB:Eval\"",
               "channel = \"Retail:TB:Eval\"\nkey_groups = [5]"),
       "evaluation SKUs have no keys"},
      {Replace(kMinimal, "key_groups = [1]", ""), "neither key_groups nor literal_keys"},
      {Replace(kMinimal, "version = 1", "version = \"one\""), "version must be an integer"},
      {Replace(kMinimal, "id = \"p\"", "id = \"P Q\""), "product.id"},
      {Replace(kMinimal, "qFV96ITc", "qFV96"), "public_key"},
      // Padding missing, or unused low bits set (the same key's other spelling): refused too.
      {Replace(kMinimal, "04ag=\"", "04ag\""), "public_key"},
      {Replace(kMinimal, "04ag=\"", "04ah=\""), "public_key"},
      {Replace(kMinimal, "key_id = \"k\"", "key_id = \"k\"\nphone_public_key = \"AAAA\""),
       "phone_public_key"},
      {Replace(kMinimal, "name = \"Full\"", "name = \"Full\"\nname = \"Twice\""), "min:"},
      {std::string(kMinimal) + "[lab]\ninsecure_key_mac_secret = \"" + std::string(64, 'a') +
           "\"\n",
       "only allowed"},
      {std::string(kMinimal) +
           "[[skus]]\nactivation_id = \"9435e7f7-cb6f-4506-a5b1-fb9ae542750d\"\neditions = "
           "[\"Full\"]\nchannel = \"Volume:MAK\"\nkey_groups = [1]\n",
       "key group 1 is used by two SKUs"},
  };
  for (const auto& [text, expected] : cases) {
    const StatusOr<Catalog> c = Catalog::Parse(text, "min");
    ASSERT_FALSE(c.ok()) << expected;
    EXPECT_EQ(c.status().code(), ErrorCode::kCatalogInvalid) << expected;
    EXPECT_NE(c.status().message().find(expected), std::string_view::npos) << c.status();
  }
}

TEST(CatalogTest, SyntaxErrorNamesTheLine) {
  const StatusOr<Catalog> c = Catalog::Parse("format = 1\n[product\n", "broken.toml");
  EXPECT_EQ(c.status().code(), ErrorCode::kCatalogInvalid);
  EXPECT_NE(c.status().message().find("broken.toml:2"), std::string_view::npos) << c.status();
}

}  // namespace
}  // namespace licet

namespace licet {
namespace {

// Regression: fuzz/catalog_fuzzer found inputs on which toml++ 3.3.0 reaches
// __builtin_unreachable() (non-ASCII code points where it looks for whitespace: at the start of
// the file, after a bare value, after a line-ending backslash in a multi-line string). Each is kept
// in tests/testdata/regress/ (the fuzzers also start from there) and must be refused cleanly; the
// sanitizer build aborts on any undefined behaviour.
TEST(CatalogRegressionTest, InputsThatReachedUndefinedBehaviourInTomlAreRefused) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(LICET_SOURCE_DIR) +
                                                               "/tests/testdata/regress")) {
    if (!entry.path().filename().string().starts_with("catalog_")) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    ASSERT_FALSE(ss.str().empty()) << entry.path();
    const StatusOr<Catalog> c = Catalog::Parse(ss.str(), "regress");
    EXPECT_EQ(c.status().code(), ErrorCode::kCatalogInvalid) << entry.path();
    ++files;
  }
  EXPECT_GE(files, 4);
  EXPECT_EQ(Catalog::Parse("format = 1 \u00e9\n", "x").status().code(), ErrorCode::kCatalogInvalid);
  EXPECT_EQ(Catalog::Parse("format = 0\"\uFE63\"\n", "x").status().code(),
            ErrorCode::kCatalogInvalid);
}

TEST(CatalogRegressionTest, NonAsciiTextKeepsItsValueWhateverTheStringForm) {
  // A line-ending backslash followed by non-ASCII text (what reached toml++'s defect), a literal
  // string with a backslash, a double quote and non-ASCII text, and a four-byte code point.
  std::string text(kMinimal);
  text = Replace(text, "name = \"V\"", "name = \"\"\"Soci\\\n   \u00e9t\u00e9 \U0001F600\"\"\"");
  text += "[[features]]\nid = 'f'\nname = 'C:\\chemin \"\u00e9\" \u2014'\n";
  const StatusOr<Catalog> c = Catalog::Parse(text, "utf8");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vendor().name, "Soci\u00e9t\u00e9 \U0001F600");
  ASSERT_FALSE(c->features().empty());
  EXPECT_EQ(c->features().back().name, "C:\\chemin \"\u00e9\" \u2014");
}

TEST(CatalogRegressionTest, NonAsciiTextThatCannotBeKeptIsRefusedWithItsLine) {
  const auto refused = [](std::string_view text, std::string_view needle) {
    const StatusOr<Catalog> c = Catalog::Parse(text, "t.toml");
    EXPECT_EQ(c.status().code(), ErrorCode::kCatalogInvalid) << text;
    EXPECT_NE(c.status().message().find(needle), std::string_view::npos) << c.status();
  };
  refused("format = 1\nname = 'caf\u00e9\n",
          "t.toml:2: a 'literal string' with non-ASCII text is not closed");
  refused("format = 1\nname = \"\xff\"\n", "t.toml:2: the text is not valid UTF-8");
  refused("format = 1\nname = \"\xe9t\xe9\"\n", "not valid UTF-8");     // Latin-1, not UTF-8
  refused("format = 1\nname = \"\xed\xa0\x80\"\n", "not valid UTF-8");  // a surrogate
  refused("format = 1\nname = \"a\\\u00e9\"\n",
          "t.toml:2: a backslash before a non-ASCII character");
}

TEST(CatalogRegressionTest, NonAsciiInsideStringsAndCommentsIsFine) {
  std::string text(kMinimal);
  text = Replace(text, "name = \"V\"",
                 "name = \"Soci\u00e9t\u00e9 g\u00e9n\u00e9rale \\\" \u2014 'x'\" # commentaire "
                 "\u00e9t\u00e9");
  text += "# fin \u00e9\n[[features]]\nid = 'f'\nname = '''Multi \u00e9\nligne'''\n";
  const StatusOr<Catalog> c = Catalog::Parse(text, "utf8");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vendor().name, "Soci\u00e9t\u00e9 g\u00e9n\u00e9rale \" \u2014 'x'");
}

}  // namespace
}  // namespace licet
