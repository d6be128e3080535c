// The admin listing's query string: what it accepts, and a clear error for everything else.
#include "page_query.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace licet::server {
namespace {

TEST(PageQueryTest, DefaultsAndBothParameters) {
  StatusOr<PageQuery> page = ParsePageQuery("");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->limit, kDefaultPageLimit);
  EXPECT_EQ(page->after, 0);
  page = ParsePageQuery("after=81234&limit=500");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->limit, 500u);
  EXPECT_EQ(page->after, 81234);
  page = ParsePageQuery("&limit=1&&after=9223372036854775807&");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->limit, 1u);
  EXPECT_EQ(page->after, 9223372036854775807);
  page = ParsePageQuery("limit=10000");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->limit, kMaxPageLimit);
}

TEST(PageQueryTest, EveryBadParameterIsNamed) {
  for (const auto& [query, named] :
       {std::pair{"limit=0", "limit='0'"}, std::pair{"limit=10001", "limit='10001'"},
        std::pair{"limit=-5", "limit='-5'"}, std::pair{"limit=+5", "limit='+5'"},
        std::pair{"limit=", "limit=''"}, std::pair{"limit", "limit=''"},
        std::pair{"limit=1e3", "limit='1e3'"}, std::pair{"limit=%31", "limit='%31'"},
        std::pair{"limit=99999999999999999999999", "limit='99999999999999999999999'"},
        std::pair{"after=9223372036854775808", "after='9223372036854775808'"},
        std::pair{"after=x", "after='x'"}, std::pair{"limit=5&limit=6", "limit twice"},
        std::pair{"after=1&after=1", "after twice"}, std::pair{"page=2", "'page'"},
        std::pair{"=3", "parameter ''"}}) {
    const StatusOr<PageQuery> page = ParsePageQuery(query);
    ASSERT_FALSE(page.ok()) << query;
    EXPECT_EQ(page.status().code(), ErrorCode::kInvalidArgument) << query;
    EXPECT_NE(std::string(page.status().message()).find(named), std::string::npos)
        << query << ": " << page.status();
    EXPECT_NE(page.status().remedy().find("?limit=N"), std::string::npos) << page.status();
  }
}

}  // namespace
}  // namespace licet::server
