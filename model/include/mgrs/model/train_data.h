// The trainer's data: instruction Sample JSON Lines tokenised into ids and label masks (only the assistant's turns
// are supervised), batches grouped by length, and a threaded loader that decodes and preprocesses images ahead.
// No LibTorch here: pixels travel as floats, the loop makes tensors of them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mgrs/core/diagnostic.h"
#include "mgrs/core/status.h"
#include "mgrs/model/config.h"
#include "mgrs/model/prompt.h"

namespace mgrs::model {

class Tokenizer;

// One supervised conversation. ids hold one kImageTokenIndex where the image's `image_tokens` features go;
// `length` counts them, i.e. the positions the decoder sees.
struct TrainExample {
  std::string id;
  int64_t line = 0;
  std::string image_path;  // empty for a text-only sample
  std::vector<int> ids, labels;
  int64_t length = 0;
};

enum class Overlong { kTruncate, kSkip };

struct DataOptions {
  std::string data_path;   // Sample JSON Lines (docs/formats.md)
  std::string image_root;  // sample.image is relative to it and must stay inside it
  ConversationStyle style = ConversationStyle::kVicunaV1;
  int image_tokens = 0;  // features one image becomes (VisionConfig::NumPatches())
  int max_length = 0;    // positions per sample, image features included
  Overlong overlong = Overlong::kTruncate;
};

struct DataReport {
  int64_t read = 0;       // lines read, bad ones included
  int64_t used = 0;       // examples kept
  int64_t truncated = 0;  // longer than max_length, cut (their labels past the cut are lost)
  int64_t skipped_overlong = 0;
  std::vector<Diagnostic> rejected;  // BAD_JSON, BAD_SAMPLE, IMAGE_OUTSIDE_ROOT, MISSING_IMAGE, NO_LABELS, ...
  int64_t Count(const std::string& code) const;
};

struct TrainingSet {
  std::string path;  // the JSON Lines file, for diagnostics
  std::vector<TrainExample> examples;
  DataReport report;
};

// Reads and tokenises every sample (TokenizeConversation; "<image>\n" is put in front of the first question when a
// sample has an image and no placeholder). Bad lines, images that are missing or outside the root, and samples with
// nothing left to supervise are diagnostics, not errors. Errors: the file cannot be read, or no example is left.
Result<TrainingSet> ReadTrainingSet(const Tokenizer& tokenizer, const DataOptions& options);

// The micro-batches of epoch `epoch`: a permutation drawn from (seed, epoch); with group_by_length the permutation
// is cut into mega-batches of 32 micro-batches, each sorted by length (longest first) and cut into micro-batches,
// whose order is then shuffled (LLaVA's length-grouped sampler), so padding stays small. The last micro-batch
// may be short. Deterministic for its arguments.
std::vector<std::vector<size_t>> EpochBatches(const std::vector<int64_t>& lengths, int micro_batch, uint64_t seed,
                                              int64_t epoch, bool group_by_length);

// A micro-batch ready for the model.
struct TrainBatch {
  int64_t position = 0;  // index of this micro-batch in the stream of all epochs
  std::vector<std::string> sample_ids;
  std::vector<std::vector<int64_t>> ids, labels;
  std::vector<float> pixels;  // [images, 3, S, S], one image per kImageTokenIndex in order
  int64_t images = 0;
  std::vector<Diagnostic> dropped;  // samples whose image could not be decoded (left out of the batch)
};

// The endless stream of micro-batches over epochs 0, 1, ... (EpochBatches each), starting at micro-batch
// `start` (resume). `workers` threads decode and preprocess images, at most `prefetch` batches ahead; batches come
// out in stream order, so the stream is the same whatever the number of workers. Not thread-safe for consumers.
class BatchLoader {
 public:
  struct Options {
    int micro_batch = 1;
    uint64_t seed = 0;
    bool group_by_length = true;
    int workers = 2;
    int prefetch = 4;
    int64_t start = 0;
    int64_t stride = 1;  // data parallel: rank r reads micro-batches start + r, start + r + stride, ...
  };
  BatchLoader(const TrainingSet& data, const VisionConfig& vision, const Options& options);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  // The next micro-batch of the stream.
  TrainBatch Next();
  // Micro-batches in one epoch.
  int64_t batches_per_epoch() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mgrs::model
