// Distributions of the demo renderer's generator (random.h says why they are written by hand).
#include "mgrs/demo/random.h"

namespace mgrs::demo {

double Random::Gaussian() {
  double sum = 0;
  for (int i = 0; i < 12; ++i) sum += Unit();
  return sum - 6.0;
}

size_t Random::Weighted(const std::vector<double>& weights) {
  double total = 0;
  for (double w : weights) total += w;
  double pick = Uniform(0, total);
  for (size_t i = 0; i < weights.size(); ++i) {
    if (pick < weights[i]) return i;
    pick -= weights[i];
  }
  return weights.size() - 1;
}

}  // namespace mgrs::demo
