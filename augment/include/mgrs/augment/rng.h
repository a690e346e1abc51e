// The augmentations' random numbers: one stream per (seed, image id), so results never depend on how many
// worker threads share the images, and on nothing the standard library leaves to the implementation.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

namespace mgrs::augment {

class Rng {
 public:
  // The stream for one image: mt19937_64 seeded with splitmix64(seed ^ FNV-1a-64(stream)).
  Rng(uint64_t seed, std::string_view stream);

  uint64_t Next() { return engine_(); }
  // Uniform in [lo, hi) from the top 53 bits (the same numbers on every platform).
  double Uniform(double lo, double hi);
  // Uniform integer in [lo, hi] (inclusive), by rejection: no modulo bias.
  int64_t UniformInt(int64_t lo, int64_t hi);
  // Fisher-Yates with UniformInt.
  template <typename T>
  void Shuffle(std::vector<T>& values) {
    for (size_t i = values.size(); i > 1; --i) {
      const auto j = static_cast<size_t>(UniformInt(0, static_cast<int64_t>(i) - 1));
      std::swap(values[i - 1], values[j]);
    }
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace mgrs::augment
