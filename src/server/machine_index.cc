#include "machine_index.h"

#include <bit>

namespace licet::server {

void MachineIndex::Add(std::int64_t key_tag, std::int64_t machine_tag, std::int64_t seq) {
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  Insert({.pair = Pair(key_tag, machine_tag), .seq = seq});
  ++size_;
}

void MachineIndex::Insert(const Slot& slot) {
  std::size_t i = Home(slot.pair);
  while (slots_[i].seq != 0) i = (i + 1) & mask_;
  slots_[i] = slot;
}

// Backward-shift deletion: the slots after the hole that could live in it move up, so that no
// probe sequence ever crosses an empty slot before its entry (no tombstones to sweep later).
void MachineIndex::Remove(std::int64_t key_tag, std::int64_t machine_tag, std::int64_t seq) {
  if (slots_.empty()) return;
  const std::uint64_t pair = Pair(key_tag, machine_tag);
  std::size_t hole = Home(pair);
  while (slots_[hole].seq != 0 && (slots_[hole].pair != pair || slots_[hole].seq != seq)) {
    hole = (hole + 1) & mask_;
  }
  if (slots_[hole].seq == 0) return;
  for (std::size_t next = (hole + 1) & mask_; slots_[next].seq != 0; next = (next + 1) & mask_) {
    // The entry at `next` may fill the hole if its home is not in (hole, next], cyclically.
    const std::size_t home = Home(slots_[next].pair);
    const bool home_after_hole =
        ((home - hole) & mask_) != 0 && ((home - hole) & mask_) <= ((next - hole) & mask_);
    if (!home_after_hole) {
      slots_[hole] = slots_[next];
      hole = next;
    }
  }
  slots_[hole] = Slot{};
  --size_;
}

void MachineIndex::Clear() {
  slots_.clear();
  slots_.shrink_to_fit();
  mask_ = 0;
  shift_ = 64;
  size_ = 0;
}

void MachineIndex::Grow() {
  std::vector<Slot> old = std::move(slots_);
  const std::size_t capacity = old.empty() ? 1024 : old.size() * 2;
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  shift_ = 64 - std::countr_zero(capacity);
  for (const Slot& slot : old) {
    if (slot.seq != 0) Insert(slot);
  }
}

}  // namespace licet::server
