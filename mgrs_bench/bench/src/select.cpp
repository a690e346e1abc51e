// Stratified selection: granularity shares by weight, then equal shares over (source, GSD bucket) strata by round
// robin, one item per image; and the downsampled copies for the cross-resolution part.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "items.h"

namespace mgrs::bench {
namespace {

// Largest-remainder shares of `total` by `weights` (ties to the earlier entry).
std::vector<int64_t> Shares(int64_t total, const std::vector<double>& weights) {
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<int64_t> out(weights.size(), 0);
  if (sum <= 0) return out;
  std::vector<std::pair<double, size_t>> remainders;
  int64_t given = 0;
  for (size_t k = 0; k < weights.size(); ++k) {
    const double exact = static_cast<double>(total) * weights[k] / sum;
    out[k] = static_cast<int64_t>(std::floor(exact));
    given += out[k];
    remainders.emplace_back(-(exact - std::floor(exact)), k);
  }
  std::sort(remainders.begin(), remainders.end());
  for (size_t k = 0; given < total && k < remainders.size(); ++k, ++given) ++out[remainders[k].second];
  return out;
}

}  // namespace

Selection SelectItems(const BenchConfig& config, const std::vector<Candidate>& candidates) {
  // One picker per (task, granularity): its share and its strata, each in rank order.
  struct Picker {
    std::string task, granularity;
    int64_t share = 0, picked = 0;
    std::vector<std::vector<const Candidate*>> strata;
    std::vector<size_t> next;
    size_t turn = 0;
  };
  std::vector<Picker> pickers;
  for (const auto& [task, task_config] : config.tasks) {
    std::vector<double> weights;
    for (const auto& [granularity, weight] : task_config.granularity) weights.push_back(weight);
    const std::vector<int64_t> shares = Shares(task_config.images, weights);
    for (size_t g = 0; g < task_config.granularity.size(); ++g) {
      Picker picker;
      picker.task = task;
      picker.granularity = task_config.granularity[g].first;
      picker.share = shares[g];
      std::map<std::string, std::vector<const Candidate*>> strata;  // by "source|gsd bucket"
      for (const Candidate& c : candidates) {
        if (c.item.task == task && c.item.granularity == picker.granularity)
          strata[c.item.source + "|" + c.item.gsd_bucket].push_back(&c);
      }
      for (auto& [key, list] : strata) {
        std::sort(list.begin(), list.end(), [](const Candidate* a, const Candidate* b) {
          return a->rank != b->rank ? a->rank < b->rank : a->item.id < b->item.id;
        });
        picker.strata.push_back(std::move(list));
      }
      picker.next.assign(picker.strata.size(), 0);
      pickers.push_back(std::move(picker));
    }
  }
  Selection out;
  std::set<std::string> used_images;
  // The next candidate of `p` on a free image, strata in turn; nullptr when every stratum is used up.
  const auto take = [&used_images](Picker& p) -> const Candidate* {
    for (size_t tries = 0; tries < p.strata.size(); ++tries) {
      const size_t s = p.turn++ % p.strata.size();
      auto& list = p.strata[s];
      size_t& next = p.next[s];
      while (next < list.size() && used_images.count(list[next]->item.image_id)) ++next;
      if (next < list.size()) return list[next++];
    }
    return nullptr;
  };
  for (bool progress = true; progress;) {
    progress = false;
    for (Picker& p : pickers) {
      if (p.picked >= p.share) continue;
      const Candidate* c = take(p);
      if (c == nullptr) continue;
      used_images.insert(c->item.image_id);
      out.picked.push_back(c);
      ++p.picked;
      progress = true;
    }
  }
  for (const Picker& p : pickers) {
    out.items[p.task] += p.picked;
    out.strata[p.task + "/" + p.granularity] = p.picked;
    if (p.picked < p.share) {
      out.shortfalls.push_back(p.task + "/" + p.granularity + ": " + std::to_string(p.picked) + " of " +
                               std::to_string(p.share));
    }
  }
  return out;
}

Candidate DownsampledCopy(const Candidate& original, int factor, int width, int height, const std::string& image_file,
                          const std::string& image_field, const CandidateContext& context) {
  Candidate c = original;
  const std::string suffix = "@x" + std::to_string(factor);
  c.item.id += suffix;
  c.item.resolution = "x" + std::to_string(factor);
  c.item.image_file = image_file;
  c.sample.id = c.item.id;
  c.sample.image = image_field;
  const double sx = original.sample.image_size ? static_cast<double>(width) / (*original.sample.image_size)[0] : 1;
  const double sy = original.sample.image_size ? static_cast<double>(height) / (*original.sample.image_size)[1] : 1;
  c.sample.image_size = std::array<int, 2>{width, height};
  if (c.gsd) c.gsd = *c.gsd * factor;
  c.item.gsd_bucket = GsdBucket(c.gsd, context.config->gsd_edges);
  const auto scale_box = [&](Box b) { return Box{b.x1 * sx, b.y1 * sy, b.x2 * sx, b.y2 * sy}; };
  if (auto* gt = std::get_if<GroundingTruth>(&c.sample.gt)) {
    for (Box& b : gt->boxes) b = scale_box(b);
    for (auto& q : gt->quads) {
      for (int i = 0; i < 8; ++i) q[i] *= i % 2 == 0 ? sx : sy;
    }
    c.target = scale_box(c.target);
    if (c.target_quad) {
      for (Point& p : *c.target_quad) p = Point{p.x * sx, p.y * sy};
    }
    for (auto& [name, value] : c.fields) {
      if (name == "box") value = instruct::FormatBox(c.target, c.target_quad, width, height, context.box_format).text;
    }
  }
  RenderPrompt(&c);
  return c;
}

}  // namespace mgrs::bench
