// Candidate samples from one catalog image: the per-task generators and what they share. Private to instruct.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mgrs/catalog/catalog.h"
#include "mgrs/core/sample.h"
#include "mgrs/instruct/config.h"
#include "mgrs/instruct/templates.h"

namespace mgrs::instruct {

// FNV-1a over `text`, finished with splitmix64 so that nearby seeds give unrelated orders.
uint64_t Hash(const std::string& text, uint64_t seed = 0);
// splitmix64 of `a` combined with `b`: a cheap hash of two numbers.
uint64_t Mix(uint64_t a, uint64_t b);

struct Candidate {
  Sample sample;
  uint64_t rank = 0;   // the draw order within its task and source: Hash(id, seed)
  uint64_t dedup = 0;  // equal for the same question and answer on the same image
  uint64_t image = 0;  // Hash of the image as the split sees it (ImageJob::physical)
};

// Samples not made, by reason, with the first few ids for the report.
struct Skips {
  std::map<std::string, int64_t> counts;
  std::map<std::string, std::vector<std::string>> examples;
  void Add(const std::string& reason, const std::string& id, int64_t n = 1);
  void Merge(const Skips& other);
};

// What every generator reads besides the image: all of it immutable during a run, shared by the threads.
struct GenerationContext {
  const InstructConfig* config = nullptr;
  const TemplateSet* templates = nullptr;
  uint64_t seed = 0;
  std::map<std::string, std::vector<std::string>> object_classes;  // dataset -> class keys (presence negatives)
  std::map<std::string, std::vector<std::string>> scene_classes;   // dataset -> scene names (classification)
};

// The image as generators see it: its record, the path samples name, and where candidates and skips go.
struct ImageJob {
  const catalog::AnnotatedImage* record = nullptr;
  std::string image_field;  // Sample::image
  std::string side;         // "train" | "test"
  uint64_t physical = 0;    // Hash of the image's identity across datasets and derivations (instruct.cpp)
  std::vector<Candidate>* out = nullptr;
  Skips* skips = nullptr;
};

// Builds the sample `<image id>/<suffix>` of `kind` from a template chosen by the id's hash, with the human turn
// opening with "<image>\n".
void Emit(const GenerationContext& context, const ImageJob& job, SampleKind kind, const std::string& suffix,
          const Fields& fields, const std::string& granularity, GroundTruth gt);

// "small vehicle" as a scene or class name is written: lower case, '_' and '-' as spaces.
std::string DisplayName(const std::string& raw);

// The generators, one per family of tasks (scene_samples.cpp, object_samples.cpp, question_samples.cpp).
void SceneSamples(const GenerationContext& context, const ImageJob& job);     // classification, caption
void ObjectSamples(const GenerationContext& context, const ImageJob& job);    // grounding, counting, identify
void QuestionSamples(const GenerationContext& context, const ImageJob& job);  // dataset QA, presence, ...

inline void GenerateAll(const GenerationContext& context, const ImageJob& job) {
  SceneSamples(context, job);
  ObjectSamples(context, job);
  QuestionSamples(context, job);
}

}  // namespace mgrs::instruct
