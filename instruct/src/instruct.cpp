// RunInstruct: catalog -> candidates (one scan, threads over chunks of images) -> composition -> files.
#include "mgrs/instruct/instruct.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "compose.h"
#include "generate.h"
#include "mgrs/catalog/catalog.h"
#include "mgrs/core/files.h"
#include "output.h"

namespace mgrs::instruct {
namespace {

namespace fs = std::filesystem;

constexpr size_t kChunkImages = 128;

class Stopwatch {
 public:
  // Seconds since the last Lap (or construction).
  double Lap() {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return seconds;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

struct Chunk {
  std::vector<catalog::AnnotatedImage> records;
  std::vector<ImageJob> jobs;  // index-aligned; out and skips point into the chunk's own results
  std::vector<Candidate> candidates;
  Skips skips;
};

// Chunks flow from the scanning thread to the generator threads; results stay in scan order.
class ChunkQueue {
 public:
  explicit ChunkQueue(size_t capacity) : capacity_(capacity) {}
  void Push(Chunk* chunk) {
    std::unique_lock<std::mutex> lock(mutex_);
    not_full_.wait(lock, [&] { return queue_.size() < capacity_; });
    queue_.push_back(chunk);
    not_empty_.notify_one();
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
  }
  Chunk* Pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    not_empty_.wait(lock, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return nullptr;
    Chunk* chunk = queue_.front();
    queue_.pop_front();
    not_full_.notify_one();
    return chunk;
  }

 private:
  std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
  std::deque<Chunk*> queue_;
  size_t capacity_;
  bool closed_ = false;
};

// Where each image stands: its side of the split and its identity across datasets and derivations.
class ImageSides {
 public:
  explicit ImageSides(const InstructConfig& config) : config_(config) {
    for (const auto& [dataset, owner] : config.shared_images) owners_.insert(owner);
  }

  // Derived images take their parent's place (parents sort before their children, so they are known).
  void Place(const Image& image, ImageJob* job) {
    auto parent = placed_.find(image.parent_id);
    if (!image.parent_id.empty() && parent != placed_.end()) {
      job->side = parent->second.first;
      job->physical = parent->second.second;
    } else {
      job->side = IsTest(image) ? "test" : "train";
      job->physical = Hash(Identity(image));
    }
    placed_[image.id] = {job->side, job->physical};
  }

 private:
  bool IsTest(const Image& image) const {
    const auto& sources = config_.test_sources;
    const auto& splits = config_.test_splits;
    return std::find(sources.begin(), sources.end(), image.dataset) != sources.end() &&
           (splits.empty() || std::find(splits.begin(), splits.end(), image.split) != splits.end());
  }
  std::string Identity(const Image& image) const {
    if (!image.sha256.empty()) return "sha256:" + image.sha256;
    auto owner = config_.shared_images.find(image.dataset);
    if (owner != config_.shared_images.end()) return owner->second + ":" + fs::path(image.path).stem().string();
    if (owners_.count(image.dataset)) return image.dataset + ":" + fs::path(image.path).stem().string();
    return image.dataset + ":" + image.path;
  }

  const InstructConfig& config_;
  std::unordered_set<std::string> owners_;
  std::unordered_map<std::string, std::pair<std::string, uint64_t>> placed_;
};

// The image path a sample names, relative to out_dir/images (see LinkImages).
std::string ImageField(const Image& image) {
  if (fs::path(image.path).is_absolute()) {
    return "derived/" + image.id + fs::path(image.path).extension().string();
  }
  return image.dataset + "/" + image.path;
}

Result<GenerationContext> LoadContext(catalog::Catalog* catalog, const InstructConfig* config,
                                      const TemplateSet* templates, uint64_t seed) {
  GenerationContext context;
  context.config = config;
  context.templates = templates;
  context.seed = seed;
  auto datasets = catalog->Datasets();
  if (!datasets.ok()) return datasets.status();
  for (const auto& info : *datasets) {
    auto classes = catalog->ClassKeys(info.name);
    if (!classes.ok()) return classes.status();
    context.object_classes[info.name] = std::move(*classes);
    auto scenes = catalog->SceneClasses(info.name);
    if (!scenes.ok()) return scenes.status();
    std::set<std::string> names;
    for (const auto& raw : *scenes) names.insert(DisplayName(raw));
    context.scene_classes[info.name].assign(names.begin(), names.end());
  }
  return context;
}

// What the scan produced besides the candidates.
struct ScanResult {
  std::vector<std::unique_ptr<Chunk>> chunks;
  std::unordered_set<uint64_t> test_images;
  std::map<std::string, std::string> derived_files;  // image field -> file, for the links
  int64_t images = 0;
};

Result<ScanResult> Scan(catalog::Catalog* catalog, const GenerationContext& context, const InstructOptions& options) {
  ScanResult result;
  ImageSides sides(*context.config);
  ChunkQueue queue(static_cast<size_t>(2 * std::max(1, options.jobs)));
  std::vector<std::thread> workers;
  for (int t = 0; t < std::max(1, options.jobs); ++t) {
    workers.emplace_back([&] {
      while (Chunk* chunk = queue.Pop()) {
        for (ImageJob& job : chunk->jobs) GenerateAll(context, job);
        // The records are done with: free them here, in parallel, rather than at the end.
        chunk->jobs.clear();
        std::vector<catalog::AnnotatedImage>().swap(chunk->records);
      }
    });
  }
  auto flush = [&](std::unique_ptr<Chunk>& chunk) {
    for (size_t k = 0; k < chunk->records.size(); ++k) {
      chunk->jobs[k].record = &chunk->records[k];
      chunk->jobs[k].out = &chunk->candidates;
      chunk->jobs[k].skips = &chunk->skips;
    }
    queue.Push(chunk.get());
    result.chunks.push_back(std::move(chunk));
  };
  auto chunk = std::make_unique<Chunk>();
  Status status = catalog->ForEachImage(catalog::ImageQuery{}, [&](catalog::AnnotatedImage& record) {
    ++result.images;
    ImageJob job;
    sides.Place(record.image, &job);
    // A test image keeps its copies in other datasets off the train side even when it makes no sample itself.
    if (job.side == "test") result.test_images.insert(job.physical);
    std::error_code error;
    if (record.image.path.empty()) {
      chunk->skips.Add("image: no file recorded (annotation-only ingest)", record.image.id);
      return Status::Ok();
    }
    if (options.check_images && !fs::is_regular_file(record.file, error)) {
      chunk->skips.Add("image: missing on disk", record.image.id);
      return Status::Ok();
    }
    job.image_field = ImageField(record.image);
    if (fs::path(record.image.path).is_absolute()) result.derived_files[job.image_field] = record.file;
    chunk->records.push_back(std::move(record));
    chunk->jobs.push_back(std::move(job));
    if (chunk->records.size() == kChunkImages) {
      flush(chunk);
      chunk = std::make_unique<Chunk>();
    }
    return Status::Ok();
  });
  flush(chunk);
  queue.Close();
  for (auto& worker : workers) worker.join();
  if (!status.ok()) return status;
  return result;
}

}  // namespace

Result<InstructSummary> RunInstruct(const InstructOptions& options) {
  auto config = LoadInstructConfig(options.config_path);
  if (!config.ok()) return config.status();
  auto templates = TemplateSet::LoadDirectory(options.templates_dir);
  if (!templates.ok()) return templates.status();
  auto catalog = catalog::Catalog::Open(options.catalog_path, catalog::Catalog::Mode::kReadOnly);
  if (!catalog.ok()) return catalog.status();
  auto context = LoadContext(catalog->get(), &*config, &*templates, options.seed);
  if (!context.ok()) return context.status();
  InstructSummary summary;
  Stopwatch stopwatch;
  auto scan = Scan(catalog->get(), *context, options);
  if (!scan.ok()) return scan.status();
  summary.seconds["generate"] = stopwatch.Lap();

  Skips skips;
  std::vector<Candidate> candidates;
  size_t total = 0;
  for (const auto& chunk : scan->chunks) total += chunk->candidates.size();
  candidates.reserve(total);
  for (auto& chunk : scan->chunks) {
    skips.Merge(chunk->skips);
    for (auto& c : chunk->candidates) candidates.push_back(std::move(c));
    chunk.reset();
  }
  Composition composition = Compose(std::move(candidates), scan->test_images, *config, &skips);
  summary.seconds["compose"] = stopwatch.Lap();

  std::error_code error;
  fs::create_directories(options.out_dir, error);
  if (error) return Status(StatusCode::kIoError, options.out_dir + ": " + error.message());
  const fs::path out(options.out_dir);
  summary.images = scan->images;
  summary.train_samples = static_cast<int64_t>(composition.train.size());
  summary.test_samples = static_cast<int64_t>(composition.test.size());
  summary.skipped = skips.counts;
  summary.skip_examples = skips.examples;
  summary.shortfalls = composition.shortfalls;
  summary.stats = StatsJson(summary, composition, options);
  // The three files are replaced together, so a failed write (a full disk) never pairs a new train file with an
  // old test file or old statistics.
  auto train = StageSamples((out / "train.jsonl").string(), composition.train, options.jobs);
  if (!train.ok()) return train.status();
  auto test = StageSamples((out / "test.jsonl").string(), composition.test, options.jobs);
  if (!test.ok()) return test.status();
  auto stats = AtomicFileWriter::Create((out / "stats.json").string());
  if (!stats.ok()) return stats.status();
  MGRS_RETURN_IF_ERROR((*stats)->Append(summary.stats.dump(2) + "\n"));
  MGRS_RETURN_IF_ERROR(CommitTogether({train->get(), test->get(), stats->get()}));
  if (options.link_images) {
    auto datasets = (*catalog)->Datasets();
    if (!datasets.ok()) return datasets.status();
    MGRS_RETURN_IF_ERROR(LinkImages((out / "images").string(), *datasets, scan->derived_files, composition));
  }
  summary.seconds["write"] = stopwatch.Lap();
  return summary;
}

}  // namespace mgrs::instruct
