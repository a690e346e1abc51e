// The demo renderer's random numbers: std::mt19937_64 (its output sequence is fixed by the C++ standard) with
// distributions written here, because the std:: distributions may give other values on another standard library.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace mgrs::demo {

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}

  // 64 raw bits.
  uint64_t Bits() { return engine_(); }
  // Uniform in [0, 1), from the top 53 bits of one draw.
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Unit(); }
  // Uniform integer in [lo, hi] (inclusive); lo <= hi. The modulo bias is below 2^-40 for the small ranges used.
  int Int(int lo, int hi) { return lo + static_cast<int>(engine_() % static_cast<uint64_t>(hi - lo + 1)); }
  // True with probability p.
  bool Chance(double p) { return Unit() < p; }
  // Approximately normal (mean 0, sd 1): the sum of 12 uniforms minus 6 (Irwin-Hall), bounded to [-6, 6].
  double Gaussian();
  // Index chosen with probability proportional to weights[i] (weights >= 0, not all 0).
  size_t Weighted(const std::vector<double>& weights);
  // A new generator whose stream depends only on this one's next draw: lets each image own its stream, so the
  // images of a run do not depend on the order they are drawn in.
  Random Fork() { return Random(engine_()); }

 private:
  std::mt19937_64 engine_;
};

}  // namespace mgrs::demo
