// Open-addressing hash table that gives each distinct n-gram (up to 4 word ids) a dense id. Internal.
#pragma once

#include <cstdint>
#include <vector>

namespace mgrs::metrics::internal {

// Word ids packed two per word: lo = w0:w1, hi = w2:w3, absent words as 0xFFFFFFFF. Exact, no hashing of text.
struct NgramKey {
  uint64_t lo = ~uint64_t{0}, hi = ~uint64_t{0};
  bool operator==(const NgramKey& o) const { return lo == o.lo && hi == o.hi; }
};

inline NgramKey MakeNgramKey(const uint32_t* words, int n) {
  uint32_t w[4] = {~0u, ~0u, ~0u, ~0u};
  for (int k = 0; k < n; ++k) w[k] = words[k];
  return {(uint64_t{w[0]} << 32) | w[1], (uint64_t{w[2]} << 32) | w[3]};
}

class NgramTable {
 public:
  NgramTable() { Rehash(1024); }

  // The id of `key`, inserting it with the next id when new. Ids count from 0 in insertion order.
  uint32_t Intern(const NgramKey& key) {
    if ((keys_.size() + 1) * 2 > slots_.size()) Rehash(slots_.size() * 2);
    size_t i = Hash(key) & mask_;
    while (true) {
      Slot& slot = slots_[i];
      if (slot.id == kEmpty) {
        slot = {key, static_cast<uint32_t>(keys_.size())};
        keys_.push_back(key);
        return slot.id;
      }
      if (slot.key == key) return slot.id;
      i = (i + 1) & mask_;
    }
  }

  const std::vector<NgramKey>& keys() const { return keys_; }

 private:
  static constexpr uint32_t kEmpty = ~0u;
  static uint64_t Hash(const NgramKey& k) {
    uint64_t h = k.lo * 0x9E3779B97F4A7C15ull ^ (k.hi + 0x632BE59BD9B4E019ull) * 0xC2B2AE3D27D4EB4Full;
    return h ^ (h >> 29);
  }
  // The key is stored in the slot, so a lookup touches one cache line.
  struct Slot {
    NgramKey key;
    uint32_t id = kEmpty;
  };
  void Rehash(size_t capacity) {
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    for (uint32_t id = 0; id < keys_.size(); ++id) {
      size_t i = Hash(keys_[id]) & mask_;
      while (slots_[i].id != kEmpty) i = (i + 1) & mask_;
      slots_[i] = {keys_[id], id};
    }
  }

  std::vector<Slot> slots_;
  std::vector<NgramKey> keys_;
  size_t mask_ = 0;
};

}  // namespace mgrs::metrics::internal
