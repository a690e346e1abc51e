// Karpathy-style caption JSON (UCM-Captions, Sydney-Captions, RSICD: dataset*.json): {"images": [{"filename",
// "split", "sentences": [{"raw", ...}]}]} (datasets.md section 9). `raw` is stored as written; duplicated
// captions (images padded to 5) are kept, since the benchmarks score against them as given.
#include "readers/common.h"
#include "readers/formats.h"

namespace mgrs::ingest {
namespace {

class KarpathyCaptionsReader : public FormatReader {
 public:
  Result<std::vector<SourceFile>> ListFiles(const ReaderContext& ctx) const override {
    return ListWholeDatasetFiles(ctx, ".json", "caption dataset*.json");
  }

  Result<catalog::SourceBatch> Read(const SourceFile& file, const ReaderContext& ctx) const override {
    catalog::SourceBatch batch;
    batch.file = file.path;
    auto parsed = ReadJsonFile(ctx, file.path, &batch);
    if (!parsed.ok()) return parsed.status();
    if (!parsed->has_value()) return batch;
    const nlohmann::json& root = **parsed;
    if (!root.is_object() || !root.contains("images") || !root["images"].is_array()) {
      AddReject(&batch, file.path, 0, code::kMissingField, "no \"images\" array", "", 0);
      return batch;
    }
    const std::string dir = ParentOf(file.path);
    int64_t number = 0;
    for (const nlohmann::json& entry : root["images"]) {
      ++number;
      const std::string filename = JsonText(entry, "filename");
      if (filename.empty() || !entry.contains("sentences") || !entry["sentences"].is_array()) {
        AddReject(&batch, file.path, number, code::kMissingField,
                  "images[" + std::to_string(number - 1) + "] needs \"filename\" and \"sentences\"",
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
      int index = 0;
      for (const nlohmann::json& sentence : entry["sentences"]) {
        const std::string raw = JsonText(sentence, "raw");
        if (std::string_view(raw).find_first_not_of(" \t") == std::string_view::npos) {
          AddReject(&batch, file.path, number, code::kEmptyText, "an empty caption of " + filename + " is left out",
                    sentence.dump().substr(0, 300), 0, Severity::kWarning);
          ++index;
          continue;
        }
        record.captions.push_back(catalog::CaptionRecord{raw, index++});
      }
      FinishImage(ctx, file,
                  {JoinPath(dir, "images/" + filename), JoinPath(dir, filename), "images/" + filename,
                   "RSICD_images/" + filename, filename},
                  std::move(record), &batch);
    }
    return batch;
  }
};

}  // namespace

std::unique_ptr<FormatReader> MakeKarpathyCaptionsReader() { return std::make_unique<KarpathyCaptionsReader>(); }

}  // namespace mgrs::ingest
