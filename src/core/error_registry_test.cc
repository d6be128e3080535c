#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "licet/core/error_code.h"

namespace licet {
namespace {

TEST(ErrorRegistryTest, CodesAndSymbolsAreUnique) {
  std::set<std::uint32_t> codes;
  std::set<std::string_view> symbols;
  for (const ErrorInfo& e : AllErrors()) {
    EXPECT_TRUE(codes.insert(static_cast<std::uint32_t>(e.code)).second) << FormatCode(e.code);
    EXPECT_TRUE(symbols.insert(e.symbol).second) << e.symbol;
    EXPECT_FALSE(e.message.empty()) << e.symbol;
    EXPECT_FALSE(e.remedy.empty()) << e.symbol;
  }
}

TEST(ErrorRegistryTest, DesignCodesAreRegistered) {
  // The codes DESIGN.md requires, with the Windows meaning.
  for (std::uint32_t v :
       {0x80070032u, 0xC004F050u, 0xC004F069u, 0xC004C003u, 0xC004C020u, 0xC004C008u, 0xC004F074u,
        0x8007232Bu, 0xC004F038u, 0xC004F041u, 0xC004F042u, 0xC004F06Cu, 0xC004F009u, 0xC004F014u,
        0xC004F02Cu, 0xC004F00Fu, 0xC004D307u, 0x80072EE7u}) {
    EXPECT_NE(FindError(v), nullptr) << std::hex << v;
  }
  EXPECT_EQ(LookupError(ErrorCode::kInvalidProductKey).symbol, "SL_E_INVALID_PRODUCT_KEY");
}

TEST(ErrorRegistryTest, UnknownCodeMapsToInternal) {
  EXPECT_EQ(FindError(0x12345678u), nullptr);
  EXPECT_EQ(LookupError(static_cast<ErrorCode>(0x12345678u)).code, ErrorCode::kInternal);
}

TEST(ErrorRegistryTest, CategoryDecidesExitAndHttpStatus) {
  EXPECT_EQ(ExitStatusFor(ErrorCategory::kOk), 0);
  EXPECT_EQ(ExitStatusFor(ErrorCategory::kUsage), 2);
  EXPECT_EQ(ExitStatusFor(ErrorCategory::kFailedPrecondition), 1);
  EXPECT_EQ(HttpStatusFor(LookupError(ErrorCode::kInvalidProductKey).category), 400);
  EXPECT_EQ(HttpStatusFor(LookupError(ErrorCode::kMakLimitExceeded).category), 429);
  EXPECT_EQ(HttpStatusFor(LookupError(ErrorCode::kCatalogSignature).category), 401);
}

TEST(ErrorRegistryTest, CheckedInDocMatchesRegistry) {
  std::ifstream in(std::string(LICET_SOURCE_DIR) + "/docs/error-codes.md");
  ASSERT_TRUE(in.good())
      << "docs/error-codes.md is missing: run licet errors --markdown > docs/error-codes.md";
  std::stringstream doc;
  doc << in.rdbuf();
  EXPECT_EQ(doc.str(), ErrorRegistryMarkdown())
      << "docs/error-codes.md is stale: run build/src/cli/licet errors --markdown > "
         "docs/error-codes.md";
}

}  // namespace
}  // namespace licet
