// What the generators share: hashing, skip counting, and turning a template and fields into a Sample.
#include "generate.h"

#include <algorithm>

namespace mgrs::instruct {

namespace {

uint64_t SplitMix(uint64_t h) {
  h += 0x9e3779b97f4a7c15ull;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

}  // namespace

uint64_t Hash(const std::string& text, uint64_t seed) {
  uint64_t h = 1469598103934665603ull ^ seed;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return SplitMix(h);
}

uint64_t Mix(uint64_t a, uint64_t b) { return SplitMix(a ^ SplitMix(b)); }

void Skips::Add(const std::string& reason, const std::string& id, int64_t n) {
  counts[reason] += n;
  auto& list = examples[reason];
  if (list.size() < 5) list.push_back(id);
}

void Skips::Merge(const Skips& other) {
  for (const auto& [reason, n] : other.counts) counts[reason] += n;
  for (const auto& [reason, ids] : other.examples) {
    auto& list = examples[reason];
    for (const auto& id : ids) {
      if (list.size() < 5) list.push_back(id);
    }
  }
}

std::string DisplayName(const std::string& raw) {
  std::string out = raw;
  for (char& c : out) {
    if (c == '_' || c == '-') c = ' ';
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void Emit(const GenerationContext& context, const ImageJob& job, SampleKind kind, const std::string& suffix,
          const Fields& fields, const std::string& granularity, GroundTruth gt) {
  const Image& image = job.record->image;
  Candidate c;
  Sample& s = c.sample;
  s.id = image.id + "/" + suffix;
  s.task = TaskOf(kind);
  s.image = job.image_field;
  if (image.width > 0 && image.height > 0) s.image_size = std::array<int, 2>{image.width, image.height};
  s.dataset = image.dataset;
  s.split = job.side;
  s.granularity = granularity;
  const auto& templates = context.templates->Of(kind);
  const Template& t = templates[Hash(s.id, context.seed ^ 0x7e3a) % templates.size()];
  const std::string question = Render(t.human, fields), answer = Render(t.gpt, fields);
  s.conversations = {Turn{"human", "<image>\n" + question}, Turn{"gpt", answer}};
  s.gt = std::move(gt);
  c.rank = Hash(s.id, context.seed);
  c.dedup = Hash(std::string(TaskName(s.task)) + '\n' + question + '\n' + answer, job.physical);
  c.image = job.physical;
  job.out->push_back(std::move(c));
}

}  // namespace mgrs::instruct
