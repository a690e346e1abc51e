// Splitting, de-duplicating and drawing the composition.
#include "compose.h"

#include <algorithm>
#include <map>

namespace mgrs::instruct {
namespace {

// Candidates competing for one target: a side, a task, and a source (or "*", the sources without a target).
struct Bucket {
  int64_t target = 0;
  std::vector<size_t> members;
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
    bucket.members.push_back(k);
  }

  Composition out;
  for (auto& [side, tasks] : buckets) {
    std::vector<Candidate>& chosen = side == "test" ? out.test : out.train;
    for (auto& [task, sources] : tasks) {
      for (auto& [source, bucket] : sources) {
        std::sort(bucket.members.begin(), bucket.members.end(),
                  [&](size_t a, size_t b) { return candidates[a].rank < candidates[b].rank; });
        const size_t take = std::min(bucket.members.size(), static_cast<size_t>(bucket.target));
        for (size_t i = 0; i < take; ++i) chosen.push_back(std::move(candidates[bucket.members[i]]));
        out.available[side][task][source] = {
            {"available", bucket.members.size()}, {"target", bucket.target}, {"selected", take}};
      }
    }
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
  for (auto* side : {&out.train, &out.test}) {
    std::sort(side->begin(), side->end(), [](const Candidate& a, const Candidate& b) {
      return a.rank != b.rank ? a.rank < b.rank : a.sample.id < b.sample.id;
    });
  }
  return out;
}

}  // namespace mgrs::instruct
