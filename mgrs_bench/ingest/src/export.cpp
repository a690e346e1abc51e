// DOTA and COCO exports over the catalog's typed queries.
#include "mgrs/ingest/export.h"

#include <charconv>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "mgrs/catalog/catalog.h"
#include "mgrs/core/files.h"
#include "mgrs/core/jsonl.h"

namespace mgrs::ingest {
namespace {

// Shortest text that reads back to the same double (std::to_chars without a format).
std::string Number(double value) {
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string DotaClassName(const std::string& raw) {
  std::string out = raw;
  for (char& c : out) {
    if (c == ' ' || c == '\t') c = '_';
  }
  return out;
}

Quad CornersOf(const catalog::StoredObject& o) {
  if (o.object.quad) return *o.object.quad;
  const Box& b = o.object.hbb;
  return Quad{Point{b.x1, b.y1}, Point{b.x2, b.y1}, Point{b.x2, b.y2}, Point{b.x1, b.y2}};
}

std::string StemOf(const std::string& id) { return id.substr(id.rfind('/') + 1); }

// A derived image ("<parent id>/cutout-2") is named after its parent ("P1888_cutout-2"): the last part of its id
// alone repeats across parents.
std::string ExportStem(const Image& image) {
  if (image.parent_id.empty()) return StemOf(image.id);
  return StemOf(image.parent_id) + "_" + image.id.substr(image.parent_id.size() + 1);
}

Result<ExportSummary> ExportDota(catalog::Catalog* catalog, const std::vector<Image>& images,
                                 const ExportOptions& options) {
  ExportSummary summary;
  for (const Image& image : images) {
    auto objects = catalog->Objects(image.id);
    if (!objects.ok()) return objects.status();
    auto provenance = catalog->ProvenanceOf(image.id);
    if (!provenance.ok()) return provenance.status();
    std::string text = "imagesource:" + provenance->image_source + "\n";
    text += "gsd:" + (image.gsd ? Number(*image.gsd) : std::string("null")) + "\n";
    for (const catalog::StoredObject& o : *objects) {
      const Quad q = CornersOf(o);
      for (const Point& p : q) text += Number(p.x) + " " + Number(p.y) + " ";
      text += DotaClassName(o.object.raw_class) + " " + std::to_string(o.difficulty) + "\n";
    }
    const std::filesystem::path dir = std::filesystem::path(options.out) / image.split / "labelTxt";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return IoError("cannot create " + dir.string() + ": " + ec.message());
    MGRS_RETURN_IF_ERROR(WriteFileAtomically((dir / (ExportStem(image) + ".txt")).string(), text));
    ++summary.images;
    summary.objects += static_cast<int64_t>(objects->size());
  }
  return summary;
}

Result<ExportSummary> ExportCoco(catalog::Catalog* catalog, const std::vector<Image>& images,
                                 const ExportOptions& options) {
  ExportSummary summary;
  auto classes = catalog->ClassCounts(options.dataset);
  if (!classes.ok()) return classes.status();
  std::map<std::string, int> category_of;
  nlohmann::ordered_json categories = nlohmann::ordered_json::array();
  for (const catalog::ClassCount& c : *classes) {
    const int id = static_cast<int>(category_of.size()) + 1;
    category_of[c.raw_class] = id;
    categories.push_back({{"id", id}, {"name", c.raw_class}, {"supercategory", ""}});
  }
  nlohmann::ordered_json coco_images = nlohmann::ordered_json::array();
  nlohmann::ordered_json annotations = nlohmann::ordered_json::array();
  int64_t image_number = 0, annotation_number = 0;
  for (const Image& image : images) {
    auto objects = catalog->Objects(image.id);
    if (!objects.ok()) return objects.status();
    ++image_number;
    const std::string file_name = image.path.empty() || !image.parent_id.empty()
                                      ? ExportStem(image) + ".png"
                                      : std::filesystem::path(image.path).filename().string();
    coco_images.push_back(
        {{"id", image_number}, {"file_name", file_name}, {"width", image.width}, {"height", image.height}});
    for (const catalog::StoredObject& o : *objects) {
      const Box& b = o.object.hbb;
      nlohmann::ordered_json a = {{"id", ++annotation_number},
                                  {"image_id", image_number},
                                  {"category_id", category_of.at(o.object.raw_class)},
                                  {"bbox", {b.x1, b.y1, b.x2 - b.x1, b.y2 - b.y1}},
                                  {"area", (b.x2 - b.x1) * (b.y2 - b.y1)},
                                  {"iscrowd", 0}};
      if (o.object.quad) {
        nlohmann::ordered_json polygon = nlohmann::ordered_json::array();
        for (const Point& p : *o.object.quad) {
          polygon.push_back(p.x);
          polygon.push_back(p.y);
        }
        a["segmentation"] = nlohmann::ordered_json::array({polygon});
      } else {
        a["segmentation"] = nlohmann::ordered_json::array();
      }
      if (o.difficulty > 0) a["ignore"] = 1;
      annotations.push_back(std::move(a));
    }
    summary.objects += static_cast<int64_t>(objects->size());
  }
  summary.images = image_number;
  nlohmann::ordered_json root = {{"info", {{"description", "mgrs catalog export of " + options.dataset}}},
                                 {"images", std::move(coco_images)},
                                 {"annotations", std::move(annotations)},
                                 {"categories", std::move(categories)}};
  const std::filesystem::path parent = std::filesystem::path(options.out).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  MGRS_RETURN_IF_ERROR(WriteFileAtomically(options.out, DumpJson(root) + "\n"));
  return summary;
}

}  // namespace

Result<ExportSummary> Export(const ExportOptions& options) {
  if (options.format != "dota" && options.format != "coco") {
    return InvalidArgument("unknown export format '" + options.format + "' (known: dota|coco)");
  }
  auto catalog = catalog::Catalog::Open(options.catalog_path, catalog::Catalog::Mode::kReadOnly);
  if (!catalog.ok()) return catalog.status();
  auto dataset = (*catalog)->FindDataset(options.dataset);
  if (!dataset.ok()) return dataset.status();
  if (!dataset->has_value()) return NotFound("no dataset '" + options.dataset + "' in " + options.catalog_path);
  auto images = (*catalog)->Images(options.dataset, options.split);
  if (!images.ok()) return images.status();
  return options.format == "dota" ? ExportDota(catalog->get(), *images, options)
                                  : ExportCoco(catalog->get(), *images, options);
}

}  // namespace mgrs::ingest
