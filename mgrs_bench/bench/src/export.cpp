// RunExport and VerifyExport: the accepted items as Sample JSON Lines per task with their images and a manifest of
// checksums and statistics; and the check that an export is what its manifest says.
#include <algorithm>
#include <filesystem>
#include <set>

#include "mgrs/bench/bench.h"
#include "mgrs/catalog/catalog.h"
#include "mgrs/core/files.h"
#include "mgrs/core/sample.h"
#include "mgrs/ingest/manifest.h"

namespace mgrs::bench {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

constexpr const char* kManifestFormat = "mgrs-bench-export/1";

// The decided answer becomes the reference: the gpt turn, and the ground truth of the text tasks (a grounding
// answer is box text; its boxes stay the catalog object's).
Result<Sample> FinalSample(const catalog::BenchItem& item) {
  const auto json = nlohmann::json::parse(item.sample_json, nullptr, false);
  if (json.is_discarded()) return Corruption("item '" + item.id + "': stored sample is not JSON");
  auto sample = SampleFromJson(json);
  if (!sample.ok()) return Corruption("item '" + item.id + "': " + sample.status().message());
  sample->conversations.push_back(Turn{"gpt", item.answer});
  if (auto* vqa = std::get_if<VqaTruth>(&sample->gt)) {
    vqa->answer = item.answer;
  } else if (auto* counting = std::get_if<CountingTruth>(&sample->gt)) {
    try {
      size_t used = 0;
      const long long n = std::stoll(item.answer, &used);
      if (used != item.answer.size() || n < 0) throw std::invalid_argument("not a count");
      counting->count = n;
    } catch (const std::exception&) {
      return InvalidArgument("item '" + item.id + "': the accepted answer '" + item.answer + "' is not a count");
    }
  } else if (auto* label = std::get_if<ClassificationTruth>(&sample->gt)) {
    label->label = item.answer;
  } else if (auto* caption = std::get_if<CaptionTruth>(&sample->gt)) {
    auto& refs = caption->references;
    refs.erase(std::remove(refs.begin(), refs.end(), item.answer), refs.end());
    refs.insert(refs.begin(), item.answer);
  }
  sample->extra["resolution"] = item.resolution;
  sample->extra["source_image"] = item.image_id;
  sample->extra["review"] = {{"reviewer", item.reviewer}, {"decided_at", item.decided_at}};
  return sample;
}

int64_t Instances(const Sample& sample) {
  if (const auto* g = std::get_if<GroundingTruth>(&sample.gt)) return static_cast<int64_t>(g->boxes.size());
  if (const auto* c = std::get_if<CountingTruth>(&sample.gt)) return c->count;
  return 1;
}

struct TaskStats {
  int64_t items = 0, instances = 0;
  std::set<std::string> images;
  std::map<std::string, int64_t> granularity, resolution, source;
};

Status CopyImage(const std::string& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (!ec) fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) return IoError("cannot copy " + from + " to " + to.string() + ": " + ec.message());
  return Status::Ok();
}

Status WriteExport(catalog::Catalog* catalog, const fs::path& dir, ExportSummary* summary) {
  auto items = catalog->BenchItems("accepted");
  if (!items.ok()) return items.status();
  std::map<std::string, std::string> lines;  // task -> JSON Lines
  std::map<std::string, TaskStats> stats;
  std::set<std::string> copied;
  for (const catalog::BenchItem& item : *items) {
    auto sample = FinalSample(item);
    if (!sample.ok()) return sample.status();
    AppendSampleLine(*sample, &lines[item.task]);
    if (copied.insert(sample->image).second) {
      MGRS_RETURN_IF_ERROR(CopyImage(item.image_file, dir / "images" / sample->image));
      ++summary->images;
    }
    TaskStats& s = stats[item.task];
    ++s.items;
    s.instances += Instances(*sample);
    s.images.insert(sample->image);
    ++s.granularity[item.granularity];
    ++s.resolution[item.resolution];
    ++s.source[item.source];
  }
  for (const auto& [task, text] : lines) {
    MGRS_RETURN_IF_ERROR(WriteFileAtomically((dir / (task + ".jsonl")).string(), text));
    summary->items[task] = stats[task].items;
  }
  ordered_json files = ordered_json::object();
  std::vector<fs::path> paths;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  for (const fs::path& path : paths) {
    auto sha = ingest::Sha256OfFile(path.string());
    if (!sha.ok()) return sha.status();
    files[fs::relative(path, dir).generic_string()] = {{"sha256", *sha}, {"bytes", fs::file_size(path)}};
  }
  ordered_json statistics = ordered_json::object();
  for (const auto& [task, s] : stats) {
    statistics[task] = {{"items", s.items},           {"images", s.images.size()},
                        {"instances", s.instances},   {"granularity", s.granularity},
                        {"resolution", s.resolution}, {"source", s.source}};
  }
  summary->manifest = {
      {"format", kManifestFormat}, {"catalog", catalog->path()}, {"files", files}, {"statistics", statistics}};
  return WriteFileAtomically((dir / "manifest.json").string(), summary->manifest.dump(2) + "\n");
}

}  // namespace

Result<ExportSummary> RunExport(const std::string& catalog_path, const std::string& out_dir) {
  const fs::path out(out_dir);
  std::error_code ec;
  if (fs::exists(out, ec) && !(fs::is_directory(out, ec) && fs::is_empty(out, ec))) {
    return InvalidArgument(out_dir + " exists and is not an empty folder; export into a new one");
  }
  auto catalog = catalog::Catalog::Open(catalog_path, catalog::Catalog::Mode::kReadOnly);
  if (!catalog.ok()) return catalog.status();
  // Built beside the target and renamed when complete: the export appears whole or not at all.
  const fs::path partial = out.string() + ".partial";
  fs::remove_all(partial, ec);
  fs::create_directories(partial, ec);
  if (ec) return IoError("cannot create " + partial.string() + ": " + ec.message());
  ExportSummary summary;
  Status status = WriteExport(catalog->get(), partial, &summary);
  if (status.ok()) {
    fs::remove(out, ec);  // the empty folder, if any
    fs::rename(partial, out, ec);
    if (ec) status = IoError("cannot rename " + partial.string() + " to " + out_dir + ": " + ec.message());
  }
  if (!status.ok()) {
    fs::remove_all(partial, ec);
    return status;
  }
  return summary;
}

Result<std::vector<std::string>> VerifyExport(const std::string& dir) {
  const std::string manifest_path = (fs::path(dir) / "manifest.json").string();
  auto text = ReadFile(manifest_path);
  if (!text.ok()) return text.status();
  const auto manifest = nlohmann::json::parse(*text, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object() || manifest.value("format", "") != kManifestFormat ||
      !manifest.contains("files") || !manifest["files"].is_object()) {
    return ParseError(manifest_path + ": not an MGRS-Bench export manifest (" + kManifestFormat + ")");
  }
  std::vector<std::string> problems;
  std::set<std::string> listed;
  for (const auto& [relative, entry] : manifest["files"].items()) {
    listed.insert(relative);
    const std::string path = (fs::path(dir) / relative).string();
    const std::string expected = entry.is_object() ? entry.value("sha256", "") : "";
    auto sha = ingest::Sha256OfFile(path);
    if (!sha.ok()) {
      problems.push_back(relative + ": missing or unreadable");
    } else if (*sha != expected) {
      problems.push_back(relative + ": sha256 " + *sha + ", manifest says " + expected);
    }
  }
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    const std::string relative = fs::relative(entry.path(), dir).generic_string();
    if (relative != "manifest.json" && !listed.count(relative)) problems.push_back(relative + ": not in the manifest");
  }
  if (ec) problems.push_back(dir + ": cannot list: " + ec.message());
  return problems;
}

}  // namespace mgrs::bench
