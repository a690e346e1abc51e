// Generic COCO detection: every *.json under the root that holds "images", "annotations" and "categories"
// (instances_*.json, annotations.json). Images beside the JSON, in images/ or <split>/ folders near it.
#include "readers/coco_detection.h"
#include "readers/common.h"
#include "readers/formats.h"

namespace mgrs::ingest {
namespace {

class CocoReader : public FormatReader {
 public:
  Result<std::vector<SourceFile>> ListFiles(const ReaderContext& ctx) const override {
    auto jsons = ListFilesWithExtension(ctx, ".json");
    if (!jsons.ok()) return jsons.status();
    if (jsons->empty()) return NotFound("no COCO *.json under " + ctx.root);
    std::vector<SourceFile> out;
    for (const std::string& path : *jsons) {
      SourceFile file;
      file.path = path;
      file.split = CocoSplit(path);
      out.push_back(std::move(file));
    }
    return out;
  }

  Result<catalog::SourceBatch> Read(const SourceFile& file, const ReaderContext& ctx) const override {
    const std::string dir = ParentOf(file.path);
    const std::string parent = ParentOf(dir);
    return ReadCocoDetection(ctx, file,
                             {dir, JoinPath(dir, "images"), JoinPath(parent, "images"),
                              JoinPath(parent, EffectiveSplit(ctx, file)), "images", ""});
  }
};

}  // namespace

std::unique_ptr<FormatReader> MakeCocoReader() { return std::make_unique<CocoReader>(); }

}  // namespace mgrs::ingest
