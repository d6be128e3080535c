#include "key_minting.h"

#include <algorithm>
#include <cstring>
#include <thread>

namespace licet::server {
namespace {

// Below this many keys a second thread costs more than it saves.
constexpr std::size_t kParallelFrom = 20000;

unsigned WorkersFor(std::size_t count) {
  if (count < kParallelFrom) return 1;
  return std::max(1u, std::min(std::thread::hardware_concurrency(), 16u));
}

// Where slice `w` of `workers` contiguous slices of [0, count) begins (slice `workers`: count).
std::size_t SliceBegin(unsigned w, std::size_t count, unsigned workers) {
  return w * count / workers;
}

// Runs work(begin, end) for `workers` contiguous slices of [0, count), one thread each.
template <typename Work>
void ForEachSlice(std::size_t count, unsigned workers, Work work) {
  std::vector<std::jthread> threads;
  for (unsigned w = 1; w < workers; ++w) {
    threads.emplace_back(work, SliceBegin(w, count, workers), SliceBegin(w + 1, count, workers));
  }
  work(std::size_t{0}, SliceBegin(1, count, workers));
}

bool TextLess(const MintedKey& a, const MintedKey& b) {
  return std::memcmp(a.text.data(), b.text.data(), a.text.size()) < 0;
}

}  // namespace

std::vector<MintedKey> MintKeys(const KeyMinter& minter, std::uint32_t first, std::uint32_t count) {
  std::vector<MintedKey> keys(count);
  ForEachSlice(count, WorkersFor(count), [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      keys[i] = minter.Mint(first + static_cast<std::uint32_t>(i));
    }
  });
  return keys;
}

void SortByText(std::vector<MintedKey>& keys) {
  const unsigned workers = WorkersFor(keys.size());
  ForEachSlice(keys.size(), workers, [&](std::size_t begin, std::size_t end) {
    std::sort(keys.begin() + static_cast<std::ptrdiff_t>(begin),
              keys.begin() + static_cast<std::ptrdiff_t>(end), TextLess);
  });
  // Merge the sorted slices left to right: slice w ends where slice w + 1 begins.
  const auto at = [&](unsigned w) {
    return keys.begin() + static_cast<std::ptrdiff_t>(SliceBegin(w, keys.size(), workers));
  };
  for (unsigned w = 1; w < workers; ++w)
    std::inplace_merge(keys.begin(), at(w), at(w + 1), TextLess);
}

}  // namespace licet::server
