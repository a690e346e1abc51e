// Splitting, de-duplicating and drawing the composition.
#include "compose.h"

#include <algorithm>
#include <map>

namespace mgrs::instruct {
namespace {

// Candidates competing for one target: a side, a task, and a source (or "*", the sources without a target).
struct Bucket {
  int64_t target = 0;
  std::vector<std::pair<uint64_t, size_t>> members;  // (rank, candidate index): sorting these is the draw
};

// The bucket name a candidate belongs to, or "" when its side has no target for its task and source.
std::string BucketSource(const Targets& targets, const std::string& task, const std::string& source) {
  auto sources = targets.find(task);
  if (sources == targets.end()) return "";
  if (sources->second.count(source)) return source;
  if (sources->second.count("*")) return "*";
  return "";
}

}  // namespace

Composition Compose(std::vector<Candidate> candidates, const std::unordered_set<uint64_t>& test_images,
                    const InstructConfig& config, Skips* skips) {
  std::unordered_set<uint64_t> seen;
  // side -> task -> source -> bucket; std::map keeps the report's order stable.
  std::map<std::string, std::map<std::string, std::map<std::string, Bucket>>> buckets;
  for (size_t k = 0; k < candidates.size(); ++k) {
    const Sample& s = candidates[k].sample;
    const bool test = s.split == "test";
    if (!test && test_images.count(candidates[k].image)) {
      skips->Add("split: image also on the test side", s.id);
      continue;
    }
    if (!seen.insert(candidates[k].dedup).second) {
      skips->Add("duplicate: same question and answer on the same image", s.id);
      continue;
    }
    const Targets& targets = test ? config.test : config.train;
    const std::string task = TaskName(s.task);
    const std::string source = BucketSource(targets, task, s.dataset);
    if (source.empty()) {
      skips->Add("composition: no " + s.split + " target for " + task + " from " + s.dataset, s.id);
      continue;
    }
    Bucket& bucket = buckets[s.split][task][source];
    bucket.target = targets.at(task).at(source);
    bucket.members.emplace_back(candidates[k].rank, k);
  }

  Composition out;
  for (auto& [side, tasks] : buckets) {
    std::vector<std::pair<uint64_t, size_t>> chosen;
    for (auto& [task, sources] : tasks) {
      for (auto& [source, bucket] : sources) {
        auto& members = bucket.members;
        const size_t take = std::min(members.size(), static_cast<size_t>(bucket.target));
        std::sort(members.begin(), members.end());
        chosen.insert(chosen.end(), members.begin(), members.begin() + static_cast<std::ptrdiff_t>(take));
        out.available[side][task][source] = {
            {"available", members.size()}, {"target", bucket.target}, {"selected", take}};
      }
    }
    // The side in rank order: a seeded shuffle (ties, which are rare, in candidate order).
    std::sort(chosen.begin(), chosen.end());
    std::vector<Candidate>& samples = side == "test" ? out.test : out.train;
    samples.reserve(chosen.size());
    for (const auto& entry : chosen) samples.push_back(std::move(candidates[entry.second]));
  }
  // Targets nothing could fill are shortfalls too.
  for (const auto& [side, targets] : {std::pair<std::string, const Targets&>{"train", config.train},
                                      std::pair<std::string, const Targets&>{"test", config.test}}) {
    for (const auto& [task, sources] : targets) {
      for (const auto& [source, target] : sources) {
        const auto& entry = out.available[side][task][source];
        const int64_t selected = entry.is_object() ? entry["selected"].get<int64_t>() : 0;
        if (entry.is_null())
          out.available[side][task][source] = {{"available", 0}, {"target", target}, {"selected", 0}};
        if (selected < target) {
          out.shortfalls.push_back(side + " " + task + " " + source + ": " + std::to_string(selected) + " of " +
                                   std::to_string(target));
        }
      }
    }
  }
  return out;
}

}  // namespace mgrs::instruct
