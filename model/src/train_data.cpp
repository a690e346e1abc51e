// The trainer's data (train_data.h): Sample JSON Lines -> tokenised examples with label masks, length-grouped
// micro-batches per epoch, and the threaded loader that decodes images ahead of the training loop.
#include "mgrs/model/train_data.h"

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <numeric>
#include <random>
#include <thread>

#include "mgrs/core/files.h"
#include "mgrs/core/sample_file.h"
#include "mgrs/model/preprocess.h"
#include "mgrs/model/tokenizer.h"

namespace mgrs::model {
namespace {

// LLaVA's roles to question/answer turns; "system" turns are left out. Fails on a turn order LLaVA cannot train.
Result<std::vector<model::Turn>> ToTurns(const Sample& sample) {
  std::vector<model::Turn> turns;
  bool awaiting_answer = false;
  for (const auto& turn : sample.conversations) {
    if (turn.from == "system") continue;
    if (turn.from == "human" && !awaiting_answer) {
      turns.push_back({turn.value, ""});
      awaiting_answer = true;
    } else if (turn.from == "gpt" && awaiting_answer) {
      turns.back().assistant = turn.value;
      awaiting_answer = false;
    } else {
      return InvalidArgument("conversation turns must alternate human, gpt (\"" + turn.from + "\" out of order)");
    }
  }
  if (awaiting_answer) turns.pop_back();  // a trailing question has nothing to supervise
  if (turns.empty()) return InvalidArgument("no answered question in the conversation");
  return turns;
}

int64_t Positions(const std::vector<int>& ids, size_t count, int image_tokens) {
  int64_t positions = static_cast<int64_t>(count);
  for (size_t i = 0; i < count; ++i) {
    if (ids[i] == kImageTokenIndex) positions += image_tokens - 1;
  }
  return positions;
}

// Turns one Sample into an example of *set, or records in its report why the sample is left out.
void AddExample(const Tokenizer& tokenizer, const DataOptions& options, const Sample& sample, int64_t line,
                TrainingSet* set) {
  DataReport* report = &set->report;
  auto reject = [&](const std::string& code, const std::string& message) {
    report->rejected.push_back(MakeDiagnostic(options.data_path, line, code, message));
  };
  TrainExample example{sample.id, line, "", {}, {}, 0};
  if (!sample.image.empty()) {
    if (!ResolveInsideRoot(options.image_root, sample.image, &example.image_path)) {
      reject("IMAGE_OUTSIDE_ROOT", "image path \"" + sample.image + "\" leaves the image root");
      return;
    }
    if (!std::filesystem::is_regular_file(example.image_path)) {
      reject("MISSING_IMAGE", sample.id + ": no image at " + example.image_path);
      return;
    }
  }
  auto turns = ToTurns(sample);
  if (!turns.ok()) {
    reject("BAD_SAMPLE", sample.id + ": " + turns.status().message());
    return;
  }
  if (!example.image_path.empty() && turns->front().user.find(kImagePlaceholder) == std::string::npos) {
    turns->front().user = std::string(kImagePlaceholder) + "\n" + turns->front().user;
  }
  auto tokenized = TokenizeConversation(tokenizer, options.style, *turns);
  if (!tokenized.ok()) {
    reject("BAD_SAMPLE", sample.id + ": " + tokenized.status().message());
    return;
  }
  example.ids = std::move(tokenized->ids);
  example.labels = std::move(tokenized->labels);
  example.length = Positions(example.ids, example.ids.size(), options.image_tokens);
  if (options.max_length > 0 && example.length > options.max_length) {
    if (options.overlong == Overlong::kSkip) {
      ++report->skipped_overlong;
      return;
    }
    size_t keep = example.ids.size();
    while (keep > 0 && Positions(example.ids, keep, options.image_tokens) > options.max_length) --keep;
    example.ids.resize(keep);
    example.labels.resize(keep);
    example.length = Positions(example.ids, keep, options.image_tokens);
    ++report->truncated;
  }
  const bool has_image = std::count(example.ids.begin(), example.ids.end(), kImageTokenIndex) > 0;
  if (has_image != !example.image_path.empty()) {
    reject("NO_ROOM", sample.id + ": the image does not fit in " + std::to_string(options.max_length) +
                          " positions (or the sample has more than one)");
    return;
  }
  if (std::all_of(example.labels.begin(), example.labels.end(), [](int l) { return l == kIgnoreIndex; })) {
    reject("NO_LABELS", sample.id + ": no answer token left to train on");
    return;
  }
  set->examples.push_back(std::move(example));
}

}  // namespace

int64_t DataReport::Count(const std::string& code) const {
  return std::count_if(rejected.begin(), rejected.end(), [&](const Diagnostic& d) { return d.code == code; });
}

Result<TrainingSet> ReadTrainingSet(const Tokenizer& tokenizer, const DataOptions& options) {
  TrainingSet set;
  set.path = options.data_path;
  auto add = [&](Sample&& sample, int64_t line) {
    ++set.report.read;
    AddExample(tokenizer, options, sample, line, &set);
    return Status::Ok();
  };
  auto bad = [&](const Diagnostic& diagnostic) {
    ++set.report.read;
    set.report.rejected.push_back(diagnostic);
    return Status::Ok();
  };
  MGRS_RETURN_IF_ERROR(ForEachSample(options.data_path, add, bad));
  set.report.used = static_cast<int64_t>(set.examples.size());
  if (set.examples.empty()) return InvalidArgument(options.data_path + ": no usable training sample");
  return set;
}

std::vector<std::vector<size_t>> EpochBatches(const std::vector<int64_t>& lengths, int micro_batch, uint64_t seed,
                                              int64_t epoch, bool group_by_length) {
  std::vector<size_t> order(lengths.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::mt19937_64 random(seed * 1000003ULL + static_cast<uint64_t>(epoch));
  std::shuffle(order.begin(), order.end(), random);
  if (group_by_length) {
    const size_t mega = static_cast<size_t>(micro_batch) * 32;
    for (size_t start = 0; start < order.size(); start += mega) {
      const auto end = order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), start + mega));
      std::stable_sort(order.begin() + static_cast<std::ptrdiff_t>(start), end,
                       [&](size_t a, size_t b) { return lengths[a] > lengths[b]; });
    }
  }
  std::vector<std::vector<size_t>> batches;
  for (size_t start = 0; start < order.size(); start += micro_batch) {
    const auto end = std::min(order.size(), start + static_cast<size_t>(micro_batch));
    batches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(start),
                         order.begin() + static_cast<std::ptrdiff_t>(end));
  }
  if (group_by_length) std::shuffle(batches.begin(), batches.end(), random);
  return batches;
}

struct BatchLoader::Impl {
  const TrainingSet& data;
  VisionConfig vision;
  Options options;
  std::vector<int64_t> lengths;
  int64_t per_epoch = 0;

  std::mutex mutex;
  std::condition_variable changed;
  std::map<int64_t, std::vector<std::vector<size_t>>> epochs;  // cached EpochBatches
  std::map<int64_t, TrainBatch> ready;                         // by k (the k-th batch this loader returns)
  int64_t claimed = 0, consumed = 0;
  bool stopping = false;
  std::vector<std::thread> threads;

  Impl(const TrainingSet& d, const VisionConfig& v, const Options& o) : data(d), vision(v), options(o) {
    for (const auto& e : data.examples) lengths.push_back(e.length);
    per_epoch = (static_cast<int64_t>(lengths.size()) + options.micro_batch - 1) / options.micro_batch;
  }

  // Called with the mutex held.
  std::vector<size_t> Members(int64_t position) {
    const auto epoch = position / per_epoch;
    auto found = epochs.find(epoch);
    if (found == epochs.end()) {
      found =
          epochs
              .emplace(epoch, EpochBatches(lengths, options.micro_batch, options.seed, epoch, options.group_by_length))
              .first;
      while (epochs.size() > 2) epochs.erase(epochs.begin());
    }
    return found->second[static_cast<size_t>(position % per_epoch)];
  }

  TrainBatch Build(int64_t position, const std::vector<size_t>& members) const {
    TrainBatch batch;
    batch.position = position;
    for (const auto index : members) {
      const auto& example = data.examples[index];
      if (!example.image_path.empty()) {
        auto pixels = PreprocessImageFile(example.image_path, vision);
        if (!pixels.ok()) {
          batch.dropped.push_back(
              MakeDiagnostic(data.path, example.line, "BAD_IMAGE", example.id + ": " + pixels.status().message()));
          continue;
        }
        batch.pixels.insert(batch.pixels.end(), pixels->begin(), pixels->end());
        ++batch.images;
      }
      batch.sample_ids.push_back(example.id);
      batch.ids.emplace_back(example.ids.begin(), example.ids.end());
      batch.labels.emplace_back(example.labels.begin(), example.labels.end());
    }
    return batch;
  }

  void Work() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      changed.wait(lock, [&] { return stopping || claimed < consumed + options.prefetch; });
      if (stopping) return;
      const int64_t k = claimed++;
      const int64_t position = options.start + k * options.stride;
      const auto members = Members(position);
      lock.unlock();
      auto batch = Build(position, members);
      lock.lock();
      ready.emplace(k, std::move(batch));
      changed.notify_all();
    }
  }
};

BatchLoader::BatchLoader(const TrainingSet& data, const VisionConfig& vision, const Options& options)
    : impl_(std::make_unique<Impl>(data, vision, options)) {
  for (int i = 0; i < std::max(1, options.workers); ++i) impl_->threads.emplace_back([this] { impl_->Work(); });
}

BatchLoader::~BatchLoader() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->changed.notify_all();
  for (auto& thread : impl_->threads) thread.join();
}

TrainBatch BatchLoader::Next() {
  std::unique_lock<std::mutex> lock(impl_->mutex);
  impl_->changed.wait(lock, [&] { return impl_->ready.count(impl_->consumed) > 0; });
  auto found = impl_->ready.find(impl_->consumed);
  TrainBatch batch = std::move(found->second);
  impl_->ready.erase(found);
  ++impl_->consumed;
  impl_->changed.notify_all();
  return batch;
}

int64_t BatchLoader::batches_per_epoch() const { return impl_->per_epoch; }

}  // namespace mgrs::model
