#include "machine_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <utility>
#include <vector>

namespace licet::server {
namespace {

std::vector<std::int64_t> SeqsOf(const MachineIndex& index, std::int64_t key,
                                 std::int64_t machine) {
  std::vector<std::int64_t> seqs;
  index.ForEach(key, machine, [&](std::int64_t seq) {
    seqs.push_back(seq);
    return true;
  });
  std::ranges::sort(seqs);
  return seqs;
}

TEST(MachineIndexTest, FindsEachSeqUnderItsOwnPairOnly) {
  MachineIndex index;
  EXPECT_TRUE(SeqsOf(index, 1, 2).empty());  // empty, never grown
  index.Add(1, 2, 10);
  index.Add(1, 2, 11);  // the same machine again
  index.Add(1, 3, 12);
  index.Add(-1, 2, 13);  // negative tags (SQLite's signed integers)
  index.Add(2, 1, 14);   // the halves swapped
  EXPECT_EQ(index.size(), 5u);
  EXPECT_EQ(SeqsOf(index, 1, 2), (std::vector<std::int64_t>{10, 11}));
  EXPECT_EQ(SeqsOf(index, 1, 3), (std::vector<std::int64_t>{12}));
  EXPECT_EQ(SeqsOf(index, -1, 2), (std::vector<std::int64_t>{13}));
  EXPECT_EQ(SeqsOf(index, 2, 1), (std::vector<std::int64_t>{14}));
  EXPECT_TRUE(SeqsOf(index, 1, 4).empty());
}

TEST(MachineIndexTest, StopsWhenTheVisitorSaysSo) {
  MachineIndex index;
  for (std::int64_t seq = 1; seq <= 5; ++seq) index.Add(7, 7, seq);
  int visited = 0;
  index.ForEach(7, 7, [&](std::int64_t) { return ++visited < 2; });
  EXPECT_EQ(visited, 2);
}

TEST(MachineIndexTest, RemovesOneSeqAndKeepsTheOthers) {
  MachineIndex index;
  index.Add(1, 2, 10);
  index.Add(1, 2, 11);
  index.Remove(1, 2, 10);
  index.Remove(1, 2, 99);  // not there
  index.Remove(5, 5, 11);  // another pair's seq
  EXPECT_EQ(index.size(), 1u);
  EXPECT_EQ(SeqsOf(index, 1, 2), (std::vector<std::int64_t>{11}));
  index.Clear();
  EXPECT_EQ(index.size(), 0u);
  EXPECT_TRUE(SeqsOf(index, 1, 2).empty());
  index.Add(1, 2, 12);  // usable again after Clear
  EXPECT_EQ(SeqsOf(index, 1, 2), (std::vector<std::int64_t>{12}));
}

// Many adds and removes, with few distinct tags so that probe runs are long and wrap around the
// table's end, checked against a std::multimap after every step.
TEST(MachineIndexTest, AgreesWithAMultimapThroughGrowthAndRemovals) {
  MachineIndex index;
  std::multimap<std::pair<std::int64_t, std::int64_t>, std::int64_t> expected;
  std::mt19937_64 random(20261129);
  std::uniform_int_distribution<std::int64_t> tag(-40, 40);
  std::int64_t next_seq = 1;
  for (int step = 0; step < 20000; ++step) {
    const std::int64_t key = tag(random) % 3;
    const std::int64_t machine = tag(random);
    if (random() % 3 != 0 || expected.empty()) {
      index.Add(key, machine, next_seq);
      expected.emplace(std::pair(key, machine), next_seq++);
    } else {
      auto victim = expected.begin();
      std::advance(victim, static_cast<long>(random() % expected.size()));
      index.Remove(victim->first.first, victim->first.second, victim->second);
      expected.erase(victim);
    }
    ASSERT_EQ(index.size(), expected.size());
    if (step % 97 == 0) {
      for (std::int64_t k = -2; k <= 2; ++k) {
        for (std::int64_t m = -40; m <= 40; ++m) {
          std::vector<std::int64_t> want;
          for (auto [it, end] = expected.equal_range({k, m}); it != end; ++it) {
            want.push_back(it->second);
          }
          std::ranges::sort(want);
          ASSERT_EQ(SeqsOf(index, k, m), want) << "step " << step << " pair " << k << "," << m;
        }
      }
    }
  }
}

}  // namespace
}  // namespace licet::server
