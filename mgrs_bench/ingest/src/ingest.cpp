// The ingest pipeline: list, skip what is stored, parse on worker threads in a bounded window, store in file order
// on the calling thread, then build indexes and check foreign keys.
#include "mgrs/ingest/ingest.h"

#include <time.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "mgrs/catalog/catalog.h"
#include "mgrs/ingest/manifest.h"
#include "mgrs/ingest/reader.h"

namespace mgrs::ingest {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// FNV-1a: stable across runs and machines, so every machine of a sharded ingest agrees on the split.
uint64_t PathHash(const std::string& path) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : path) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Parsed batches waiting for the writer, in a ring of `window` slots. A worker claims file i only while
// i < written + window, so the slot i % window is free and memory stays bounded.
class OrderedWindow {
 public:
  OrderedWindow(size_t total, size_t window) : total_(total), slots_(window) {}

  // Next file index for a worker, or nullopt when all are claimed or the run stopped.
  std::optional<size_t> Claim() {
    std::unique_lock<std::mutex> lock(mutex_);
    space_.wait(lock, [&] { return stopped_ || next_claim_ >= total_ || next_claim_ < written_ + slots_.size(); });
    if (stopped_ || next_claim_ >= total_) return std::nullopt;
    return next_claim_++;
  }

  void Put(size_t index, Result<catalog::SourceBatch> batch) {
    std::lock_guard<std::mutex> lock(mutex_);
    slots_[index % slots_.size()] = std::move(batch);
    ready_.notify_all();
  }

  // Blocks until file `index` is parsed.
  Result<catalog::SourceBatch> Take(size_t index) {
    std::unique_lock<std::mutex> lock(mutex_);
    auto& slot = slots_[index % slots_.size()];
    ready_.wait(lock, [&] { return slot.has_value(); });
    Result<catalog::SourceBatch> batch = std::move(*slot);
    slot.reset();
    written_ = index + 1;
    space_.notify_all();
    return batch;
  }

  void Stop() {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_ = true;
    space_.notify_all();
  }

 private:
  const size_t total_;
  std::mutex mutex_;
  std::condition_variable space_, ready_;
  std::vector<std::optional<Result<catalog::SourceBatch>>> slots_;
  size_t next_claim_ = 0;
  size_t written_ = 0;
  bool stopped_ = false;
};

std::string OptionsJson(const IngestOptions& o, const std::string& version) {
  nlohmann::ordered_json j;
  j["format"] = o.format;
  j["split"] = o.split;
  j["dataset_version"] = version;
  j["read_images"] = o.read_images;
  j["image_root"] = o.image_root;
  j["strict"] = o.strict;
  j["max_rejects"] = o.max_rejects;
  j["jobs"] = o.jobs;
  j["shard"] = std::to_string(o.shard_index) + "/" + std::to_string(o.shard_count);
  return j.dump();
}

void CopyCounts(const IngestSummary& summary, catalog::IngestRun* run) {
  run->files = summary.files_read;
  run->images = summary.images;
  run->objects_read = summary.objects_accepted + summary.objects_rejected;
  run->objects_accepted = summary.objects_accepted;
  run->objects_rejected = summary.objects_rejected;
  run->warnings = summary.warnings;
}

}  // namespace

Result<IngestSummary> Ingest(const IngestOptions& options) {
  const auto wall_start = Clock::now();
  std::unique_ptr<FormatReader> reader = MakeReader(options.format);
  if (!reader) return InvalidArgument("unknown format '" + options.format + "' (known: " + FormatNames() + ")");
  if (options.shard_count < 1 || options.shard_index < 0 || options.shard_index >= options.shard_count) {
    return InvalidArgument("--shard must be i/n with 0 <= i < n");
  }
  if (options.jobs < 1) return InvalidArgument("--jobs must be at least 1");
  std::error_code ec;
  if (!std::filesystem::is_directory(options.root, ec))
    return NotFound("dataset root " + options.root + " is not a folder");
  const std::string name = options.name.empty() ? options.format : options.name;
  if (name.find('/') != std::string::npos || options.split.find('/') != std::string::npos) {
    return InvalidArgument("dataset and split names must not contain '/' (they are parts of image ids)");
  }

  std::string manifest_path = options.manifest_path;
  if (manifest_path.empty()) {
    auto found = FindManifest(name, options.format);
    if (!found.ok()) return found.status();
    manifest_path = *found;
  }
  auto manifest = LoadManifest(manifest_path);
  if (!manifest.ok()) return manifest.status();
  if (manifest->format != options.format) {
    return InvalidArgument("manifest " + manifest_path + " is for format '" + manifest->format + "', not '" +
                           options.format + "'");
  }
  auto version = manifest->Version(options.dataset_version);
  if (!version.ok()) return version.status();
  const std::string version_name =
      options.dataset_version.empty() ? manifest->default_version : options.dataset_version;

  ReaderContext ctx;
  ctx.root = std::filesystem::absolute(options.root).lexically_normal().string();
  while (ctx.root.size() > 1 && ctx.root.back() == '/') ctx.root.pop_back();
  ctx.dataset = name;
  ctx.split = options.split;
  ctx.read_images = options.read_images;
  ctx.listing_progress = options.listing_progress;
  ctx.image_root = options.image_root;
  for (const ManifestClass& c : (*version)->classes) ctx.known_class_keys.insert(c.key);
  ctx.unknown_class = manifest->unknown_class;
  ctx.out_of_bounds = manifest->out_of_bounds;

  auto catalog = catalog::Catalog::Open(options.catalog_path);
  if (!catalog.ok()) return catalog.status();
  auto existing = (*catalog)->FindDataset(name);
  if (!existing.ok()) return existing.status();
  if (existing->has_value() && (*existing)->format != options.format) {
    return InvalidArgument("dataset '" + name + "' in " + options.catalog_path + " holds format '" +
                           (*existing)->format + "'; use another --name");
  }
  catalog::DatasetInfo info;
  info.name = name;
  info.format = options.format;
  info.version = version_name;
  info.root = ctx.root;
  info.manifest_path = std::filesystem::absolute(manifest_path).lexically_normal().string();
  info.manifest_sha256 = manifest->sha256;
  info.coord_origin = manifest->coord_origin;
  info.licence = manifest->licence;
  info.homepage = manifest->homepage;
  MGRS_RETURN_IF_ERROR((*catalog)->PutDataset(info));

  auto listed = reader->ListFiles(ctx);
  if (!listed.ok()) return listed.status();
  IngestSummary summary;
  summary.dataset = name;
  summary.files_listed = static_cast<int64_t>(listed->size());
  auto completed_list = (*catalog)->CompletedFiles(name);
  if (!completed_list.ok()) return completed_list.status();
  std::unordered_set<std::string> completed(completed_list->begin(), completed_list->end());
  // Files rejected whole for their image are read again, but only when images are read: under --no-images
  // nothing about them could have changed.
  std::unordered_set<std::string> retry;
  if (options.read_images) {
    auto retry_list = (*catalog)->FilesToRetry(name);
    if (!retry_list.ok()) return retry_list.status();
    retry.insert(retry_list->begin(), retry_list->end());
    for (const std::string& path : retry) completed.erase(path);
  }
  std::vector<SourceFile> files;
  for (SourceFile& file : *listed) {
    const bool in_shard =
        options.shard_count == 1 ||
        PathHash(file.path) % static_cast<uint64_t>(options.shard_count) == static_cast<uint64_t>(options.shard_index);
    if (!in_shard || completed.count(file.path)) {
      ++summary.files_skipped;
      continue;
    }
    if (retry.count(file.path)) ++summary.files_retried;
    files.push_back(std::move(file));
  }

  catalog::IngestRun run;
  run.dataset = name;
  run.format = options.format;
  run.root = ctx.root;
  run.options_json = OptionsJson(options, version_name);
  auto run_id = (*catalog)->StartRun(run);
  if (!run_id.ok()) return run_id.status();
  run.id = summary.run_id = *run_id;
  // From here on a failure closes the run as 'failed', with the counts reached so far, before it is returned; the
  // bulk writer must be gone by then (its destruction rolls back the open transaction, which would take the run's
  // update with it).
  const auto fail = [&](Status status) {
    run.status = "failed";
    CopyCounts(summary, &run);
    (void)(*catalog)->FinishRun(run);  // the first failure is the one to report
    return status;
  };

  // Dropping the secondary indexes and building them again at the end pays off for a large load; the rebuild
  // sorts the whole catalog, so a rerun or a small addition keeps them live instead.
  auto stored_files = (*catalog)->StoredFileCount();
  if (!stored_files.ok()) return fail(stored_files.status());
  catalog::BulkWriterOptions writer_options = options.writer;
  writer_options.defer_indexes = options.writer.defer_indexes && static_cast<int64_t>(files.size()) > *stored_files;
  summary.indexes_rebuilt = writer_options.defer_indexes;
  auto writer = catalog::BulkWriter::Begin(catalog->get(), name, run.id, writer_options);
  if (!writer.ok()) return fail(writer.status());

  const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(files.size())));
  OrderedWindow window(files.size(), static_cast<size_t>(std::max(1, options.queue_files) * jobs));
  std::vector<double> parse_seconds(jobs, 0.0), parse_cpu(jobs, 0.0);
  std::vector<std::thread> workers;
  for (int w = 0; w < jobs; ++w) {
    workers.emplace_back([&, w] {
      while (auto index = window.Claim()) {
        const auto start = Clock::now();
        const double cpu_start = ThreadCpuSeconds();
        Result<catalog::SourceBatch> batch = reader->Read(files[*index], ctx);
        parse_seconds[w] += Seconds(Clock::now() - start);
        parse_cpu[w] += ThreadCpuSeconds() - cpu_start;
        window.Put(*index, std::move(batch));
      }
    });
  }

  Status failure;
  Clock::duration insert_time{};
  for (size_t i = 0; i < files.size(); ++i) {
    Result<catalog::SourceBatch> batch = window.Take(i);
    if (!batch.ok()) {
      failure = batch.status();
      break;
    }
    batch->replaces_stored = retry.count(batch->file) > 0;
    const int64_t budget = options.strict             ? 0
                           : options.max_rejects >= 0 ? std::max<int64_t>(0, options.max_rejects - summary.errors)
                                                      : INT64_MAX;
    const auto start = Clock::now();
    const double cpu_start = ThreadCpuSeconds();
    auto outcome = (*writer)->Add(*batch, budget);
    insert_time += Clock::now() - start;
    summary.insert_cpu_seconds += ThreadCpuSeconds() - cpu_start;
    if (!outcome.ok()) {
      failure = outcome.status();
      break;
    }
    for (const catalog::RejectRecord& r : batch->rejects) {
      if (summary.first_rejects.size() < 20 && r.diagnostic.severity == Severity::kError) {
        summary.first_rejects.push_back(r.diagnostic);
      }
    }
    if (!outcome->stored) {
      summary.stopped = true;
      summary.stop_reason = options.strict ? "--strict: " + batch->file + " has a rejected record"
                                           : "more than " + std::to_string(options.max_rejects) +
                                                 " rejected records (--max-rejects); stopped at " + batch->file;
      break;
    }
    ++summary.files_read;
    summary.images += outcome->images;
    summary.objects_accepted += outcome->objects_accepted;
    summary.objects_rejected += outcome->objects_rejected;
    summary.errors += outcome->errors;
    summary.warnings += outcome->warnings;
    for (const catalog::RejectRecord& r : batch->rejects) ++summary.rejects_by_code[r.diagnostic.code];
    if (outcome->errors > 0) {
      // The writer may add rejects of its own (DUPLICATE_IMAGE); count them by difference.
      int64_t batch_errors = 0;
      for (const catalog::RejectRecord& r : batch->rejects) batch_errors += r.diagnostic.severity == Severity::kError;
      if (outcome->errors > batch_errors) summary.rejects_by_code["DUPLICATE_IMAGE"] += outcome->errors - batch_errors;
    }
    if (options.progress) {
      options.progress(
          IngestProgress{static_cast<int64_t>(i + 1), static_cast<int64_t>(files.size()), summary.objects_accepted});
    }
  }
  window.Stop();
  for (std::thread& t : workers) t.join();
  summary.objects_read = summary.objects_accepted + summary.objects_rejected;
  for (int w = 0; w < jobs; ++w) {
    summary.parse_seconds += parse_seconds[w];
    summary.parse_cpu_seconds += parse_cpu[w];
  }
  summary.insert_seconds = Seconds(insert_time);
  if (!failure.ok()) {
    writer->reset();
    return fail(failure);
  }

  catalog::FinishTimings timings;
  if (Status finished = (*writer)->Finish(&timings); !finished.ok()) {
    writer->reset();
    return fail(finished);
  }
  summary.insert_seconds += timings.commit_seconds;
  summary.index_seconds = timings.index_seconds;
  summary.foreign_key_seconds = timings.foreign_key_seconds;
  writer->reset();

  run.status = summary.stopped ? "failed" : "completed";
  CopyCounts(summary, &run);
  MGRS_RETURN_IF_ERROR((*catalog)->FinishRun(run));
  summary.wall_seconds = Seconds(Clock::now() - wall_start);
  return summary;
}

std::string SummaryText(const IngestSummary& s) {
  std::string out =
      "dataset " + s.dataset + ": files " + std::to_string(s.files_read) + " read, " + std::to_string(s.files_skipped) +
      " skipped (already stored or outside the shard)" +
      (s.files_retried > 0 ? ", " + std::to_string(s.files_retried) + " read again (their image was missing)"
                           : std::string()) +
      "; images " + std::to_string(s.images) + "; objects read " + std::to_string(s.objects_read) + " = accepted " +
      std::to_string(s.objects_accepted) + " + rejected " + std::to_string(s.objects_rejected) + "; rejects " +
      std::to_string(s.errors) + ", warnings " + std::to_string(s.warnings);
  if (!s.rejects_by_code.empty()) {
    out += " (";
    bool first = true;
    for (const auto& [code, count] : s.rejects_by_code) {
      out += (first ? "" : ", ") + code + " " + std::to_string(count);
      first = false;
    }
    out += ")";
  }
  return out;
}

}  // namespace mgrs::ingest
