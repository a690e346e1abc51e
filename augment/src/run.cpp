// RunAugment: a reader thread streams the dataset's images from the catalog, workers compute and write PNGs,
// the calling thread stores the records in image order (so object ids never depend on the thread count).
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "mgrs/augment/augment.h"
#include "mgrs/raster/raster.h"
#include "source.h"

namespace mgrs::augment {
namespace {

struct Queue {
  std::mutex mu;
  std::condition_variable changed;
  std::deque<std::pair<int64_t, SourceImage>> waiting;
  std::map<int64_t, Result<ImageOutcome>> done;
  int64_t read = 0, written = 0;
  bool reading_done = false, stop = false;
  Status read_status;
};

Status WriteOutputs(const ImageOutcome& outcome) {
  for (const DerivedOutput& out : outcome.outputs) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(out.record.image.path).parent_path(), ec);
    if (ec) return IoError("cannot create the folder of " + out.record.image.path + ": " + ec.message());
    MGRS_RETURN_IF_ERROR(raster::WritePixels(out.record.image.path, out.pixels));
  }
  return Status::Ok();
}

// Reads the pixels, derives, writes the PNGs. An unreadable image is a skip, a failed write an error.
Result<ImageOutcome> Process(const SourceImage& source, const AugmentOptions& options) {
  auto pixels = raster::ReadPixels(source.file);
  if (!pixels.ok()) {
    ImageOutcome outcome;
    outcome.skipped["unreadable_image"] = 1;
    return outcome;
  }
  ImageOutcome outcome;
  try {
    outcome = AugmentImage(source, *pixels, options);
  } catch (const cv::Exception&) {
    // An OpenCV assertion on one image's pixels must not end the run: counted, the image skipped.
    outcome = ImageOutcome{};
    outcome.skipped["pixel_operation_failed"] = 1;
  }
  MGRS_RETURN_IF_ERROR(WriteOutputs(outcome));
  for (DerivedOutput& out : outcome.outputs) out.pixels.release();
  return outcome;
}

void Reader(Queue& q, const AugmentOptions& options, int64_t window) {
  bool stopped = false;
  Status status = ForEachSource(options.catalog_path, options.dataset, [&](SourceImage& source) {
    std::unique_lock<std::mutex> lock(q.mu);
    q.changed.wait(lock, [&] { return q.stop || q.read - q.written < window; });
    if (q.stop) {
      stopped = true;
      return Internal("stopped");  // the writer failed and reported why
    }
    q.waiting.emplace_back(q.read++, std::move(source));
    q.changed.notify_all();
    return Status::Ok();
  });
  std::lock_guard<std::mutex> lock(q.mu);
  if (!stopped) q.read_status = status;
  q.reading_done = true;
  q.changed.notify_all();
}

void Worker(Queue& q, const AugmentOptions& options) {
  for (;;) {
    std::pair<int64_t, SourceImage> item;
    {
      std::unique_lock<std::mutex> lock(q.mu);
      q.changed.wait(lock, [&] { return q.stop || !q.waiting.empty() || q.reading_done; });
      if (q.stop || q.waiting.empty()) return;
      item = std::move(q.waiting.front());
      q.waiting.pop_front();
    }
    Result<ImageOutcome> outcome = Process(item.second, options);
    std::lock_guard<std::mutex> lock(q.mu);
    q.done.emplace(item.first, std::move(outcome));
    q.changed.notify_all();
  }
}

Status Store(catalog::Catalog& catalog, const ImageOutcome& outcome, AugmentSummary& summary) {
  ++summary.images_read;
  for (const auto& [reason, count] : outcome.skipped) summary.skipped[reason] += count;
  if (!outcome.outputs.empty()) ++summary.images_augmented;
  for (const DerivedOutput& out : outcome.outputs) {
    MGRS_RETURN_IF_ERROR(catalog.AddDerivedImage(out.record));
    ++summary.variants_written;
    ++summary.written_by_op[out.record.op];
  }
  return Status::Ok();
}

Status CheckOptions(const AugmentOptions& options) {
  if (options.dataset.empty()) return InvalidArgument("no dataset given");
  if (options.out_dir.empty()) return InvalidArgument("no output folder given");
  if (options.jobs < 1) return InvalidArgument("the number of worker threads must be at least 1");
  const CutoutOptions& c = options.cutout;
  if (!(0 < c.min_ratio && c.min_ratio <= c.max_ratio && c.max_ratio <= 1) || c.variants < 1)
    return InvalidArgument("cutout ratios must satisfy 0 < min <= max <= 1 with at least one variant");
  return Status::Ok();
}

}  // namespace

Result<AugmentSummary> RunAugment(const AugmentOptions& options) {
  MGRS_RETURN_IF_ERROR(CheckOptions(options));
  // Augmenting never creates a catalog; the writer opens first: it migrates an older one before the reader looks.
  if (!std::filesystem::exists(options.catalog_path))
    return NotFound("catalog " + options.catalog_path + " does not exist");
  auto catalog = catalog::Catalog::Open(options.catalog_path, catalog::Catalog::Mode::kReadWrite);
  if (!catalog.ok()) return catalog.status();
  auto dataset = (*catalog)->FindDataset(options.dataset);
  if (!dataset.ok()) return dataset.status();
  if (!dataset->has_value()) return NotFound("dataset '" + options.dataset + "' is not in " + options.catalog_path);

  Queue q;
  const int64_t window = 2 * static_cast<int64_t>(options.jobs) + 2;  // results held at most: bounded memory
  std::thread reader(Reader, std::ref(q), std::cref(options), window);
  std::vector<std::thread> workers;
  for (int i = 0; i < options.jobs; ++i) workers.emplace_back(Worker, std::ref(q), std::cref(options));
  AugmentSummary summary;
  Status status;
  for (;;) {
    std::optional<Result<ImageOutcome>> next;
    {
      std::unique_lock<std::mutex> lock(q.mu);
      q.changed.wait(lock, [&] { return q.done.count(q.written) || (q.reading_done && q.written == q.read); });
      if (!q.done.count(q.written)) break;
      next.emplace(std::move(q.done.at(q.written)));
      q.done.erase(q.written);
    }
    status = next->ok() ? Store(**catalog, **next, summary) : next->status();
    std::lock_guard<std::mutex> lock(q.mu);
    ++q.written;
    if (!status.ok()) q.stop = true;
    q.changed.notify_all();
    if (!status.ok()) break;
  }
  reader.join();
  for (std::thread& w : workers) w.join();
  MGRS_RETURN_IF_ERROR(status);
  MGRS_RETURN_IF_ERROR(q.read_status);
  return summary;
}

std::string SummaryText(const AugmentSummary& summary) {
  std::ostringstream out;
  out << summary.images_read << " images read, " << summary.images_augmented << " augmented, "
      << summary.variants_written << " derived images written";
  for (const auto& [op, count] : summary.written_by_op) out << "\n  " << op << ": " << count;
  for (const auto& [reason, count] : summary.skipped) out << "\n  skipped " << reason << ": " << count;
  return out.str();
}

}  // namespace mgrs::augment
