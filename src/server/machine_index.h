// The writer's index of the stored activations by key and machine, in memory: for each pair of
// tags (ActivationTags::Key, ActivationTags::Machine), the seqs (rowids) of the activations
// stored under them. The group commit asks it whether a machine has activated a key before (a
// re-activation, or a replay) and then reads those rows alone, whose texts decide.
//
// Why in memory: an index in the database on (key, machine) took each activation to a random
// leaf, which every commit and again every checkpoint wrote; as the store grew, the checkpoint
// copied nearly one leaf per activation, and the rate fell. Without it, activations are appended
// (bench/RESULTS.md, twenty-sixth session). The store keeps the tags in a table ordered by key and
// seq (activation_machines, schema version 8), from which this index is rebuilt.
//
// Open addressing with linear probing, 16 bytes a slot, at most half full and doubled when it would
// be more: 32-64 MB per million activations. A pair may hold many seqs (one slot each).
//
//   MachineIndex index;
//   index.Add(key_tag, machine_tag, seq);
//   index.ForEach(key_tag, machine_tag, [&](std::int64_t seq) { ... });
//
// Not thread-safe: the store's writer mutex guards it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace licet::server {

class MachineIndex {
 public:
  /// Records that activation `seq` (> 0) was stored under the two tags.
  void Add(std::int64_t key_tag, std::int64_t machine_tag, std::int64_t seq);

  /// Forgets activation `seq` under the two tags; nothing if it is not there.
  void Remove(std::int64_t key_tag, std::int64_t machine_tag, std::int64_t seq);

  /// Calls visit(seq) for each activation stored under the two tags, in no particular order,
  /// until it returns false.
  template <typename Visit>
  void ForEach(std::int64_t key_tag, std::int64_t machine_tag, Visit&& visit) const {
    if (slots_.empty()) return;
    const std::uint64_t pair = Pair(key_tag, machine_tag);
    for (std::size_t i = Home(pair); slots_[i].seq != 0; i = (i + 1) & mask_) {
      if (slots_[i].pair == pair && !visit(slots_[i].seq)) return;
    }
  }

  void Clear();
  [[nodiscard]] std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::uint64_t pair = 0;
    std::int64_t seq = 0;  // 0: empty
  };

  // Stored tags are 32-bit (ActivationTags::Stored): the two side by side.
  static std::uint64_t Pair(std::int64_t key_tag, std::int64_t machine_tag) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(key_tag)) << 32) |
           static_cast<std::uint32_t>(machine_tag);
  }
  // Fibonacci hashing: the tags are keyed hashes already, but one key's pairs share their high
  // half, so the slot comes from all 64 bits.
  std::size_t Home(std::uint64_t pair) const {
    return static_cast<std::size_t>((pair * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  void Insert(const Slot& slot);
  void Grow();

  std::vector<Slot> slots_;  // a power of two, or empty
  std::size_t mask_ = 0;
  int shift_ = 64;
  std::size_t size_ = 0;
};

}  // namespace licet::server
