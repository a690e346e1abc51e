// Open-addressing hash tables that give dense ids to distinct words and to distinct n-grams. N-grams are
// interned one word at a time: an n-gram's key is (id of its first n-1 words, last word id), so every key is
// 64 bits and identity stays exact (no hashing of text into the id). Internal to mgrs::metrics.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace mgrs::metrics::internal {

inline uint64_t MixBits(uint64_t h) {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  return h ^ (h >> 33);
}

// (prefix id, word id) -> dense id, in insertion order.
class PairTable {
 public:
  PairTable() { Rehash(1024); }

  uint32_t Intern(uint32_t prefix, uint32_t word) {
    const uint64_t key = (uint64_t{prefix} << 32) | word;
    if ((keys_.size() + 1) * 2 > slots_.size()) Rehash(slots_.size() * 2);
    size_t i = MixBits(key) & mask_;
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

  // Starts loading the slot of (prefix, word) into the cache: a caller that knows its next keys issues these
  // first, so the table's cache misses overlap instead of queueing (the table is larger than the L2 cache).
  void Prefetch(uint32_t prefix, uint32_t word) const {
    __builtin_prefetch(&slots_[MixBits((uint64_t{prefix} << 32) | word) & mask_]);
  }

  // Keys in id order: prefix in the high half, word in the low half.
  const std::vector<uint64_t>& keys() const { return keys_; }

 private:
  static constexpr uint32_t kEmpty = ~0u;
  // The key is stored in the slot, so a lookup touches one cache line.
  struct Slot {
    uint64_t key = 0;
    uint32_t id = kEmpty;
  };
  void Rehash(size_t capacity) {
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    for (uint32_t id = 0; id < keys_.size(); ++id) {
      size_t i = MixBits(keys_[id]) & mask_;
      while (slots_[i].id != kEmpty) i = (i + 1) & mask_;
      slots_[i] = {keys_[id], id};
    }
  }

  std::vector<Slot> slots_;
  std::vector<uint64_t> keys_;
  size_t mask_ = 0;
};

// Distinct strings -> dense ids in insertion order. The views must outlive the table.
class WordTable {
 public:
  WordTable() { Rehash(1024); }

  uint32_t Intern(std::string_view word) {
    if ((words_.size() + 1) * 2 > slots_.size()) Rehash(slots_.size() * 2);
    const uint64_t h = Hash(word);
    size_t i = h & mask_;
    while (true) {
      Slot& slot = slots_[i];
      if (slot.id == kEmpty) {
        slot = {h, static_cast<uint32_t>(words_.size())};
        words_.push_back(word);
        return slot.id;
      }
      if (slot.hash == h && words_[slot.id] == word) return slot.id;
      i = (i + 1) & mask_;
    }
  }

  const std::vector<std::string_view>& words() const { return words_; }

 private:
  static constexpr uint32_t kEmpty = ~0u;
  struct Slot {
    uint64_t hash = 0;
    uint32_t id = kEmpty;
  };
  static uint64_t Hash(std::string_view s) {
    uint64_t h = 0xCBF29CE484222325ull ^ s.size();
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t chunk = 0;
      for (int k = 0; k < 8; ++k) chunk |= uint64_t{static_cast<unsigned char>(s[i + k])} << (8 * k);
      h = MixBits(h ^ chunk);
    }
    uint64_t tail = 0;
    for (int k = 0; i < s.size(); ++i, ++k) tail |= uint64_t{static_cast<unsigned char>(s[i])} << (8 * k);
    return MixBits(h ^ tail ^ 0x9E3779B97F4A7C15ull);
  }
  void Rehash(size_t capacity) {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    for (const Slot& s : old) {
      if (s.id == kEmpty) continue;
      size_t i = s.hash & mask_;
      while (slots_[i].id != kEmpty) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::vector<std::string_view> words_;
  size_t mask_ = 0;
};

}  // namespace mgrs::metrics::internal
