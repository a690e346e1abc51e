// NWPU-Captions: dataset_nwpu.json, an object keyed by RESISC45 class, each a list of {"filename", "split",
// "raw", "raw_1" ... "raw_4"} (datasets.md section 11); images in NWPU_images/<class>/<filename>. The class also
// becomes the image's scene label.
#include "readers/common.h"
#include "readers/formats.h"

namespace mgrs::ingest {
namespace {

class NwpuCaptionsReader : public FormatReader {
 public:
  Result<std::vector<SourceFile>> ListFiles(const ReaderContext& ctx) const override {
    return ListWholeDatasetFiles(ctx, ".json", "dataset_nwpu.json");
  }

  Result<catalog::SourceBatch> Read(const SourceFile& file, const ReaderContext& ctx) const override {
    catalog::SourceBatch batch;
    batch.file = file.path;
    auto parsed = ReadJsonFile(ctx, file.path, &batch);
    if (!parsed.ok()) return parsed.status();
    if (!parsed->has_value()) return batch;
    const nlohmann::json& root = **parsed;
    if (!root.is_object()) {
      AddReject(&batch, file.path, 0, code::kMissingField, "expected an object keyed by class name", "", 0);
      return batch;
    }
    const std::string dir = ParentOf(file.path);
    int64_t number = 0;
    for (const auto& [scene, entries] : root.items()) {
      if (!entries.is_array()) {
        AddReject(&batch, file.path, 0, code::kMissingField, "class '" + scene + "' does not hold a list", "", 0);
        continue;
      }
      for (const nlohmann::json& entry : entries) {
        ++number;
        const std::string filename = JsonText(entry, "filename");
        if (filename.empty()) {
          AddReject(&batch, file.path, number, code::kMissingField, "record of class '" + scene + "' has no filename",
                    entry.dump().substr(0, 300), 0);
          continue;
        }
        const std::string split = !ctx.split.empty()                 ? ctx.split
                                  : JsonText(entry, "split").empty() ? "all"
                                                                     : JsonText(entry, "split");
        catalog::ImageRecord record;
        record.image.id = ctx.dataset + "/" + split + "/" + Stem(filename);
        record.image.dataset = ctx.dataset;
        record.image.split = split;
        record.scene_label = scene;
        for (int k = 0; k < 5; ++k) {
          const std::string key = k == 0 ? "raw" : "raw_" + std::to_string(k);
          const std::string text = JsonText(entry, key.c_str());
          if (text.empty()) {
            AddReject(&batch, file.path, number, code::kEmptyText, filename + " has no \"" + key + "\"", "", 0,
                      Severity::kWarning);
            continue;
          }
          record.captions.push_back(catalog::CaptionRecord{text, k});
        }
        FinishImage(ctx, file,
                    {JoinPath(dir, "NWPU_images/" + scene + "/" + filename), "NWPU_images/" + scene + "/" + filename,
                     JoinPath(dir, "images/" + filename)},
                    std::move(record), &batch);
      }
    }
    return batch;
  }
};

}  // namespace

std::unique_ptr<FormatReader> MakeNwpuCaptionsReader() { return std::make_unique<NwpuCaptionsReader>(); }

}  // namespace mgrs::ingest
