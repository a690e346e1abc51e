// The files of a run.
#include "output.h"

#include <filesystem>
#include <set>
#include <thread>

#include "mgrs/core/files.h"

namespace mgrs::instruct {
namespace {

namespace fs = std::filesystem;

Status Link(const fs::path& link, const fs::path& target) {
  std::error_code error;
  fs::create_directories(link.parent_path(), error);
  if (error) return Status(StatusCode::kIoError, link.parent_path().string() + ": " + error.message());
  if (fs::is_symlink(link, error)) fs::remove(link, error);
  fs::create_symlink(target, link, error);
  if (error) return Status(StatusCode::kIoError, link.string() + ": " + error.message());
  return Status::Ok();
}

nlohmann::ordered_json Breakdown(const std::vector<Candidate>& samples) {
  std::map<std::string, int64_t> by_task, by_source;
  std::map<std::string, std::map<std::string, int64_t>> by_granularity;
  for (const Candidate& c : samples) {
    const std::string task = TaskName(c.sample.task);
    ++by_task[task];
    ++by_source[c.sample.dataset];
    ++by_granularity[task][c.sample.granularity];
  }
  nlohmann::ordered_json out;
  out["samples"] = samples.size();
  out["by_task"] = by_task;
  out["by_source"] = by_source;
  out["by_granularity"] = by_granularity;
  return out;
}

}  // namespace

Result<std::unique_ptr<AtomicFileWriter>> StageSamples(const std::string& path, const std::vector<Candidate>& samples,
                                                       int jobs) {
  const size_t threads = static_cast<size_t>(std::max(1, jobs));
  std::vector<std::string> parts(threads);
  std::vector<std::thread> workers;
  const size_t per = (samples.size() + threads - 1) / threads;
  for (size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (size_t k = t * per; k < std::min(samples.size(), (t + 1) * per); ++k) {
        AppendSampleLine(samples[k].sample, &parts[t]);
      }
    });
  }
  for (auto& worker : workers) worker.join();
  auto writer = AtomicFileWriter::Create(path);
  if (!writer.ok()) return writer.status();
  for (const std::string& part : parts) MGRS_RETURN_IF_ERROR((*writer)->Append(part));
  return writer;
}

Status LinkImages(const std::string& dir, const std::vector<catalog::DatasetInfo>& datasets,
                  const std::map<std::string, std::string>& derived_files, const Composition& composition) {
  std::set<std::string> named_datasets, named_derived;
  for (const auto* side : {&composition.train, &composition.test}) {
    for (const Candidate& c : *side) {
      if (derived_files.count(c.sample.image)) {
        named_derived.insert(c.sample.image);
      } else {
        named_datasets.insert(c.sample.dataset);
      }
    }
  }
  for (const auto& info : datasets) {
    if (named_datasets.count(info.name) && !info.root.empty()) {
      MGRS_RETURN_IF_ERROR(Link(fs::path(dir) / info.name, info.root));
    }
  }
  for (const std::string& field : named_derived) {
    MGRS_RETURN_IF_ERROR(Link(fs::path(dir) / field, derived_files.at(field)));
  }
  return Status::Ok();
}

nlohmann::ordered_json StatsJson(const InstructSummary& summary, const Composition& composition,
                                 const InstructOptions& options) {
  nlohmann::ordered_json stats;
  stats["seed"] = options.seed;
  stats["images_read"] = summary.images;
  stats["train"] = Breakdown(composition.train);
  stats["test"] = Breakdown(composition.test);
  stats["composition"] = composition.available;
  stats["shortfalls"] = summary.shortfalls;
  nlohmann::ordered_json skipped = nlohmann::ordered_json::object();
  for (const auto& [reason, n] : summary.skipped) {
    skipped[reason] = {{"count", n}, {"examples", summary.skip_examples.at(reason)}};
  }
  stats["skipped"] = skipped;
  return stats;
}

}  // namespace mgrs::instruct
