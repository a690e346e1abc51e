// RunBuild: scan the catalog once (attributes, candidates), store the attributes, select each task's items, write
// the downsampled copies, ask the annotator, and store the items as the catalog's benchmark.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include <opencv2/imgproc.hpp>

#include "items.h"
#include "mgrs/bench/attributes.h"
#include "mgrs/bench/bench.h"
#include "mgrs/core/files.h"
#include "mgrs/ingest/manifest.h"
#include "mgrs/raster/raster.h"

namespace mgrs::bench {
namespace {

namespace fs = std::filesystem;

// 8-bit BGR for the colour namer, or empty when the image cannot be read as such.
cv::Mat ReadBgr(const std::string& file) {
  auto pixels = raster::ReadPixels(file);
  if (!pixels.ok() || pixels->depth() != CV_8U) return cv::Mat();
  cv::Mat bgr;
  if (pixels->channels() == 3) return *pixels;
  if (pixels->channels() == 1) cv::cvtColor(*pixels, bgr, cv::COLOR_GRAY2BGR);
  if (pixels->channels() == 4) cv::cvtColor(*pixels, bgr, cv::COLOR_BGRA2BGR);
  return bgr;
}

struct Scan {
  std::vector<Candidate> candidates;
  std::vector<catalog::ObjectAttributeUpdate> objects;
  std::vector<catalog::ImageAttributes> images;
  std::map<std::string, std::pair<int, int>> sizes;  // image id -> width, height
};

Status ScanCatalog(catalog::Catalog* catalog, const CandidateContext& context, BuildSummary* summary, Scan* scan) {
  catalog::ImageQuery query;
  query.derived = false;  // the benchmark is made of source images; augmentation has its own lineage
  return catalog->ForEachImage(query, [&](catalog::AnnotatedImage& record) {
    ++summary->images_scanned;
    cv::Mat bgr;
    if (!record.objects.empty()) {
      bgr = ReadBgr(record.file);
      if (bgr.empty()) ++summary->unreadable_images;
    }
    catalog::ImageAttributes attributes = ExtractAttributes(&record, bgr, *context.config);
    for (const auto& stored : record.objects) {
      scan->objects.push_back({stored.object.id, stored.object.attributes});
      ++summary->objects_attributed;
    }
    MakeCandidates(context, record, attributes, &scan->candidates);
    scan->sizes[record.image.id] = {record.image.width, record.image.height};
    scan->images.push_back(std::move(attributes));
    return Status::Ok();
  });
}

// "<dataset>/x<f>/<path without extension>.png": the copy's path under the image root.
std::string CopyField(const std::string& image_field, int factor) {
  const size_t slash = image_field.find('/');
  std::string rest = image_field.substr(slash + 1);
  const size_t dot = rest.rfind('.');
  if (dot != std::string::npos && rest.find('/', dot) == std::string::npos) rest.resize(dot);
  return image_field.substr(0, slash) + "/x" + std::to_string(factor) + "/" + rest + ".png";
}

// Writes the copies of the first `fraction` of each task's picked items (in rank order) at every factor.
Result<std::vector<Candidate>> MakeCopies(const std::vector<const Candidate*>& picked, const BenchConfig& config,
                                          const CandidateContext& context, const Scan& scan,
                                          const std::string& out_dir) {
  std::vector<Candidate> copies;
  std::map<std::string, std::vector<const Candidate*>> by_task;
  for (const Candidate* c : picked) by_task[c->item.task].push_back(c);
  std::set<std::string> written;
  for (auto& [task, list] : by_task) {
    std::sort(list.begin(), list.end(), [](const Candidate* a, const Candidate* b) {
      return a->rank != b->rank ? a->rank < b->rank : a->item.id < b->item.id;
    });
    const auto n = static_cast<size_t>(std::llround(config.cross_resolution_fraction * list.size()));
    for (size_t k = 0; k < n && k < list.size(); ++k) {
      const Candidate& original = *list[k];
      const auto [width, height] = scan.sizes.at(original.item.image_id);
      if (width <= 0 || height <= 0) continue;
      for (const int factor : config.downsample) {
        const int w = std::max(1, static_cast<int>(std::lround(static_cast<double>(width) / factor)));
        const int h = std::max(1, static_cast<int>(std::lround(static_cast<double>(height) / factor)));
        const std::string field = CopyField(original.sample.image, factor);
        const std::string file = (fs::absolute(out_dir) / "images" / field).lexically_normal().string();
        if (written.insert(file).second) {
          auto pixels = raster::ReadPixels(original.item.image_file);
          if (!pixels.ok()) return pixels.status();
          cv::Mat small;
          cv::resize(*pixels, small, cv::Size(w, h), 0, 0, cv::INTER_AREA);
          std::error_code ec;
          fs::create_directories(fs::path(file).parent_path(), ec);
          if (ec) return IoError("cannot create " + fs::path(file).parent_path().string() + ": " + ec.message());
          MGRS_RETURN_IF_ERROR(raster::WritePixels(file, small));
        }
        copies.push_back(DownsampledCopy(original, factor, w, h, file, field, context));
      }
    }
  }
  return copies;
}

// Asks the annotator for every item; a failure leaves the item without a candidate and is reported.
Status Annotate(Annotator* annotator, std::vector<Candidate>* items, BuildSummary* summary) {
  std::map<std::string, std::string> sha_of;  // image file -> sha256, for the cache key
  for (Candidate& c : *items) {
    AnnotationRequest request{c.item.id, c.item.question, c.template_answer, c.item.image_file, ""};
    if (annotator->NeedsImageHash()) {
      auto& sha = sha_of[c.item.image_file];
      if (sha.empty()) {
        auto computed = ingest::Sha256OfFile(c.item.image_file);
        if (!computed.ok()) return computed.status();
        sha = *computed;
      }
      request.image_sha256 = sha;
    }
    auto answer = annotator->Annotate(request);
    c.item.annotator = annotator->Name();
    if (answer.ok()) {
      c.item.candidate = *answer;
      c.item.annotation_error.clear();
    } else {
      c.item.candidate.clear();
      c.item.annotation_error = answer.status().message();
      summary->failures.push_back(c.item.id + ": " + c.item.annotation_error);
    }
  }
  summary->requests = annotator->RequestsSent();
  summary->cache_hits = annotator->CacheHits();
  return Status::Ok();
}

nlohmann::ordered_json Report(const BuildSummary& s, const BuildOptions& options, const BenchConfig& config) {
  nlohmann::ordered_json j;
  j["catalog"] = options.catalog_path;
  j["config"] = options.config_path;
  j["prompts"] = options.prompts_path;
  j["seed"] = config.seed;
  j["annotator"] = options.annotator == "openai" ? "openai:" + options.openai.model : options.annotator;
  j["images_scanned"] = s.images_scanned;
  j["objects_attributed"] = s.objects_attributed;
  j["unreadable_images"] = s.unreadable_images;
  j["items"] = s.items;
  j["strata"] = s.strata;
  j["copies"] = s.copies;
  j["shortfalls"] = s.shortfalls;
  j["annotation_failures"] = s.failures;
  j["requests"] = s.requests;
  j["cache_hits"] = s.cache_hits;
  return j;
}

}  // namespace

Result<BuildSummary> RunBuild(const BuildOptions& options) {
  auto config = LoadBenchConfig(options.config_path);
  if (!config.ok()) return config.status();
  auto prompts = PromptSet::Load(options.prompts_path);
  if (!prompts.ok()) return prompts.status();
  auto box_format = instruct::ParseBoxFormat(config->box_format);
  if (!box_format.ok())
    return Status(box_format.status().code(), options.config_path + ": " + box_format.status().message());
  auto catalog = catalog::Catalog::Open(options.catalog_path);
  if (!catalog.ok()) return catalog.status();
  std::unique_ptr<Annotator> annotator;
  if (options.annotator == "template") {
    annotator = MakeTemplateAnnotator();
  } else if (options.annotator == "openai") {
    auto made = MakeOpenAiAnnotator(options.openai, catalog->get());
    if (!made.ok()) return made.status();
    annotator = std::move(*made);
  } else {
    return InvalidArgument("unknown annotator '" + options.annotator + "' (template or openai)");
  }

  CandidateContext context;
  context.config = &*config;
  context.prompts = &*prompts;
  context.box_format = *box_format;
  auto datasets = (*catalog)->Datasets();
  if (!datasets.ok()) return datasets.status();
  for (const auto& dataset : *datasets) {
    auto keys = (*catalog)->ClassKeys(dataset.name);
    if (!keys.ok()) return keys.status();
    context.class_keys[dataset.name] = std::move(*keys);
    auto scenes = (*catalog)->SceneClasses(dataset.name);
    if (!scenes.ok()) return scenes.status();
    context.scene_classes[dataset.name] = std::move(*scenes);
  }

  BuildSummary summary;
  Scan scan;
  MGRS_RETURN_IF_ERROR(ScanCatalog(catalog->get(), context, &summary, &scan));
  MGRS_RETURN_IF_ERROR((*catalog)->SetObjectAttributes(scan.objects));
  MGRS_RETURN_IF_ERROR((*catalog)->PutImageAttributes(scan.images));

  Selection selection = SelectItems(*config, scan.candidates);
  summary.items = selection.items;
  summary.strata = selection.strata;
  summary.shortfalls = selection.shortfalls;
  const std::vector<const Candidate*>& picked = selection.picked;
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) return IoError("cannot create " + options.out_dir + ": " + ec.message());
  auto copies = MakeCopies(picked, *config, context, scan, options.out_dir);
  if (!copies.ok()) return copies.status();
  summary.copies = static_cast<int64_t>(copies->size());

  std::vector<Candidate> items;
  for (const Candidate* c : picked) items.push_back(*c);
  for (Candidate& c : *copies) items.push_back(std::move(c));
  MGRS_RETURN_IF_ERROR(Annotate(annotator.get(), &items, &summary));
  std::vector<catalog::BenchItem> rows;
  for (const Candidate& c : items) rows.push_back(c.item);
  MGRS_RETURN_IF_ERROR((*catalog)->ReplaceBenchItems(rows));

  summary.report = Report(summary, options, *config);
  MGRS_RETURN_IF_ERROR(WriteFileAtomically(options.out_dir + "/build.json", summary.report.dump(2) + "\n"));
  return summary;
}

Result<int64_t> AcceptPending(const std::string& catalog_path, const std::string& reviewer, const std::string& task) {
  if (reviewer.empty()) return InvalidArgument("a bulk decision needs a reviewer name");
  auto catalog = catalog::Catalog::Open(catalog_path);
  if (!catalog.ok()) return catalog.status();
  auto pending = (*catalog)->BenchItems("pending");
  if (!pending.ok()) return pending.status();
  int64_t accepted = 0;
  for (const catalog::BenchItem& item : *pending) {
    if (!task.empty() && item.task != task) continue;
    MGRS_RETURN_IF_ERROR((*catalog)->DecideBenchItem({item.id, "accept", "", reviewer, "bulk", ""}));
    ++accepted;
  }
  return accepted;
}

}  // namespace mgrs::bench
