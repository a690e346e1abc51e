// Candidate items from one image, stratified selection, and cross-resolution copies. Private to mgrs::bench.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mgrs/bench/config.h"
#include "mgrs/bench/prompts.h"
#include "mgrs/catalog/catalog.h"
#include "mgrs/core/sample.h"
#include "mgrs/instruct/box_text.h"
#include "mgrs/instruct/templates.h"

namespace mgrs::bench {

// FNV-1a over `text` finished with splitmix64: the draw order of an item under a seed.
uint64_t Hash(const std::string& text, uint64_t seed);

// One possible benchmark item: the row it becomes, its Sample (question and ground truth) and what its answer
// template needs.
struct Candidate {
  catalog::BenchItem item;
  Sample sample;  // conversations: the human turn only
  instruct::Fields fields;
  const instruct::Template* prompt = nullptr;
  std::string template_answer;
  std::optional<double> gsd;
  uint64_t rank = 0;
  // Grounding: the target, for a copy's box text.
  Box target;
  std::optional<Quad> target_quad;
};

struct CandidateContext {
  const BenchConfig* config = nullptr;
  const PromptSet* prompts = nullptr;
  instruct::BoxFormat box_format = instruct::BoxFormat::kGeoChat;
  std::map<std::string, std::vector<std::string>> class_keys;     // dataset -> class keys (presence negatives)
  std::map<std::string, std::vector<std::string>> scene_classes;  // dataset -> scene labels as written
};

// Every candidate of every task the config builds that `record` (with its attributes extracted) can give.
void MakeCandidates(const CandidateContext& context, const catalog::AnnotatedImage& record,
                    const catalog::ImageAttributes& attributes, std::vector<Candidate>* out);

// Renders the chosen prompt with the candidate's fields into its question, answer and Sample.
void RenderPrompt(Candidate* candidate);

struct Selection {
  std::vector<const Candidate*> picked;   // in selection order
  std::map<std::string, int64_t> items;   // task -> picked
  std::map<std::string, int64_t> strata;  // "task/granularity" -> picked
  std::vector<std::string> shortfalls;    // "task/granularity: picked of share"
};

// One item per image and one task per image. Each task's images are shared over its granularities by weight
// (largest remainder). Selection goes in rounds: in each, every (task, granularity) still short of its share takes
// one candidate, from its (source, GSD bucket) strata in turn, each stratum in rank order, skipping images taken
// already; so tasks that draw on the same images share them instead of the first task taking all.
Selection SelectItems(const BenchConfig& config, const std::vector<Candidate>& candidates);

// The copy of `original` shown downsampled by `factor`: ids "<id>@x<factor>", image_size, boxes and GSD bucket
// scaled, the prompt rendered again. `image_file` is where the downsampled image is written.
Candidate DownsampledCopy(const Candidate& original, int factor, int width, int height, const std::string& image_file,
                          const std::string& image_field, const CandidateContext& context);

}  // namespace mgrs::bench
