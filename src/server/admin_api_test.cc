// The admin API's key routes: each path maps to one route with its key in canonical form, and
// every other path is refused (not found, or not a product key) before the store is asked.
#include "admin_api.h"

#include <gtest/gtest.h>

#include <string>

namespace licet::server {
namespace {

constexpr const char* kKey = "C47P6-RB696-DTMX3-BB8BX-M9XR9";

TEST(AdminApiTest, EachRouteAndItsKey) {
  StatusOr<AdminKeyRoute> r = ParseAdminKeyRoute(kKey);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->kind, AdminKeyRoute::Kind::kKey);
  EXPECT_EQ(r->key, kKey);
  r = ParseAdminKeyRoute(std::string(kKey) + "/activations");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->kind, AdminKeyRoute::Kind::kActivations);
  r = ParseAdminKeyRoute(std::string(kKey) + "/block");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->kind, AdminKeyRoute::Kind::kBlock);
  r = ParseAdminKeyRoute(std::string(kKey) + "/machines/hw2.abc-def/release");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->kind, AdminKeyRoute::Kind::kRelease);
  EXPECT_EQ(r->machine, "hw2.abc-def");
  // Any case and dashing of the key names the same key.
  r = ParseAdminKeyRoute("c47p6rb696dtmx3bb8bxm9xr9/activations");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->key, kKey);
}

TEST(AdminApiTest, OtherPathsAreRefused) {
  const std::string key = kKey;
  for (const std::string& path :
       {key + "/", key + "/activations/", key + "/activations/extra", key + "/machines/release",
        key + "/machines//release", key + "/machines/a/b/release", key + "/machines/a",
        key + "/unblock", key + "//block", std::string("/activations")}) {
    const StatusOr<AdminKeyRoute> r = ParseAdminKeyRoute(path);
    ASSERT_FALSE(r.ok()) << path;
    EXPECT_EQ(r.status().code(),
              path == "/activations" ? ErrorCode::kInvalidProductKey : ErrorCode::kNotFound)
        << path << ": " << r.status();
  }
  for (const std::string& bad : {std::string(""), std::string("nosuch"),
                                 std::string("C47P6-RB696-DTMX3-BB8BX-M9XR8"),  // checksum
                                 std::string(3000, 'B')}) {
    const StatusOr<AdminKeyRoute> r = ParseAdminKeyRoute(bad + "/activations");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidProductKey) << r.status();
    EXPECT_LT(r.status().message().size(), 400u) << "long input is cut";
    EXPECT_NE(r.status().remedy().find("/v1/admin/keys/"), std::string::npos);
  }
}

}  // namespace
}  // namespace licet::server
