#include "licet/core/hardware_binding.h"

#include <gtest/gtest.h>

namespace licet {
namespace {

HardwareValues Machine() {
  return {"3d1219c7c4c5404aaa1f6d2a48adfda4@/var/lib/licet",
          "4c4c4544-0042-3510-8052-b4c04f4d4d32",
          "02:fc:00:00:00:01",
          "S4EVNF0M123456",
          "AMD EPYC 7763 64-Core Processor",
          "srv01"};
}

HardwareBinding With(std::initializer_list<std::pair<HardwareComponent, const char*>> changes) {
  HardwareValues v = Machine();
  for (const auto& [c, value] : changes) v[static_cast<std::size_t>(c)] = value;
  return HardwareBinding::FromValues(v);
}

TEST(HardwareBinding, TextRoundTripsAndOnlyTheExactFormParses) {
  const HardwareBinding b = With({{HardwareComponent::kBoard, ""}});
  const std::string text = b.ToString();
  EXPECT_EQ(text.size(), 3u + 5 * 9 + 2);  // "hw2", five ".xxxxxxxx", one ".-"
  EXPECT_EQ(text.substr(0, 4), "hw2.");
  EXPECT_NE(text.find(".-."), std::string::npos);  // the missing board
  EXPECT_EQ(HardwareBinding::Parse(text), b);
  for (const char* bad :
       {"", "hw2", "hw1.00000000.-.-.-.-.-", "hw2.00000000.-.-.-.-", "hw2.00000000.-.-.-.-.-.-",
        "hw2.0000000.-.-.-.-.-", "hw2.0000000G.-.-.-.-.-", "hw2.00000000.-.-.-.-.-.",
        "hw2..-.-.-.-.-", "hw2.ABCDEF01.-.-.-.-.-"}) {
    EXPECT_FALSE(HardwareBinding::Parse(bad)) << bad;
  }
}

TEST(HardwareBinding, ToleranceFollowsTheWeights) {
  const HardwareBinding bound = HardwareBinding::FromValues(Machine());
  EXPECT_EQ(MatchHardware(bound, bound).verdict, HardwareVerdict::kSame);

  // A new network card (3 of 16): kept.
  HardwareMatch m =
      MatchHardware(bound, With({{HardwareComponent::kNetwork, "02:00:00:00:00:09"}}));
  EXPECT_EQ(m.verdict, HardwareVerdict::kWithinTolerance);
  EXPECT_EQ(m.matched_weight, 13);
  ASSERT_EQ(m.changed.size(), 1u);
  EXPECT_EQ(m.changed[0], HardwareComponent::kNetwork);

  // Network, disk and host name (7 of 16): still at least half.
  m = MatchHardware(bound, With({{HardwareComponent::kNetwork, "x"},
                                 {HardwareComponent::kDisk, "y"},
                                 {HardwareComponent::kHost, "z"}}));
  EXPECT_EQ(m.verdict, HardwareVerdict::kWithinTolerance);

  // Motherboard, network and disk (10 of 16): out of tolerance.
  m = MatchHardware(bound, With({{HardwareComponent::kBoard, "b"},
                                 {HardwareComponent::kNetwork, "x"},
                                 {HardwareComponent::kDisk, "y"}}));
  EXPECT_EQ(m.verdict, HardwareVerdict::kOutOfTolerance);
  EXPECT_EQ(m.changed.size(), 3u);

  // A component that can no longer be read counts as changed.
  m = MatchHardware(bound,
                    With({{HardwareComponent::kMachine, ""}, {HardwareComponent::kBoard, ""}}));
  EXPECT_EQ(m.verdict, HardwareVerdict::kWithinTolerance);
  EXPECT_EQ(m.matched_weight, 8);

  // Nothing in common: another machine.
  const HardwareBinding other = HardwareBinding::FromValues({"a", "b", "c", "d", "e", "f"});
  EXPECT_EQ(MatchHardware(bound, other).verdict, HardwareVerdict::kForeign);
}

TEST(HardwareBinding, OnlyComponentsBoundAtActivationCount) {
  HardwareValues container = Machine();
  container[static_cast<std::size_t>(HardwareComponent::kBoard)] = "";
  container[static_cast<std::size_t>(HardwareComponent::kDisk)] = "";
  const HardwareBinding bound = HardwareBinding::FromValues(container);
  // machine 4 + network 3 + cpu 1 + host 1 = 9; a new machine ID alone leaves 5 of 9.
  HardwareValues moved = container;
  moved[0] = "another-machine-id@/var/lib/licet";
  const HardwareMatch m = MatchHardware(bound, HardwareBinding::FromValues(moved));
  EXPECT_EQ(m.bound_weight, 9);
  EXPECT_EQ(m.verdict, HardwareVerdict::kWithinTolerance);
  // A board that appears later does not matter.
  EXPECT_EQ(MatchHardware(bound, HardwareBinding::FromValues(Machine())).verdict,
            HardwareVerdict::kSame);
}

TEST(HardwareBinding, HashesHideTheValuesAndDependOnTheComponent) {
  const HardwareBinding b = HardwareBinding::FromValues({"same", "same", "", "", "", ""});
  EXPECT_NE(b.Hash(HardwareComponent::kMachine), b.Hash(HardwareComponent::kBoard));
  EXPECT_EQ(b.ToString().find("same"), std::string::npos);
  EXPECT_LT(b.Hash24(), 1u << 24);
  EXPECT_NE(b.Hash24(), HardwareBinding::FromValues({"same", "other", "", "", "", ""}).Hash24());
}

}  // namespace
}  // namespace licet
