#include "srv_discovery.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace licet::client {
namespace {

std::vector<std::string> Hosts(const std::vector<SrvTarget>& targets) {
  std::vector<std::string> out;
  for (const SrvTarget& t : targets) out.push_back(t.host);
  return out;
}

TEST(OrderSrvTargets, LowerPriorityAlwaysComesFirst) {
  std::mt19937 rng(7);
  const UniformRandom uniform = [&](std::uint32_t bound) {
    return std::uniform_int_distribution<std::uint32_t>(0, bound - 1)(rng);
  };
  for (int i = 0; i < 200; ++i) {
    const std::vector<SrvTarget> ordered = OrderSrvTargets(
        {{"c", 1, 20, 50}, {"a", 1, 0, 1}, {"b", 1, 10, 1000}, {"a2", 1, 0, 1000}}, uniform);
    ASSERT_EQ(ordered.size(), 4u);
    EXPECT_TRUE(ordered[0].priority == 0 && ordered[1].priority == 0);
    EXPECT_EQ(ordered[2].host, "b");
    EXPECT_EQ(ordered[3].host, "c");
  }
}

TEST(OrderSrvTargets, WeightsShareTheFirstPlaceInProportion) {
  std::mt19937 rng(11);
  const UniformRandom uniform = [&](std::uint32_t bound) {
    return std::uniform_int_distribution<std::uint32_t>(0, bound - 1)(rng);
  };
  std::map<std::string, int> first;
  constexpr int kDraws = 20000;
  for (int i = 0; i < kDraws; ++i)
    ++first[OrderSrvTargets({{"light", 1, 0, 10}, {"heavy", 1, 0, 30}}, uniform)[0].host];
  // Expected 30/41 and 10/41 (RFC 2782 draws in [0, sum]: the first entry also wins a 0 draw).
  EXPECT_NEAR(first["heavy"] / double(kDraws), 30.0 / 41, 0.015);
  EXPECT_NEAR(first["light"] / double(kDraws), 11.0 / 41, 0.015);
}

TEST(OrderSrvTargets, ZeroWeightsStillGetTheirTurn) {
  const UniformRandom always_zero = [](std::uint32_t) { return 0u; };
  EXPECT_EQ(Hosts(OrderSrvTargets({{"w", 1, 0, 5}, {"z", 1, 0, 0}}, always_zero)),
            (std::vector<std::string>{"z", "w"}));
  EXPECT_TRUE(OrderSrvTargets({}, always_zero).empty());
}

}  // namespace
}  // namespace licet::client
