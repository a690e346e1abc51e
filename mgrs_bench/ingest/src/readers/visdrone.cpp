// VisDrone-DET: annotations/<stem>.txt, one "left,top,width,height,score,category,truncation,occlusion" per line
// (a trailing comma happens), images/<stem>.jpg (datasets.md section 8). Category 0 (ignored region) and 11
// (others) are stored with their names so counting can leave them out; score 0 marks boxes to ignore and is
// stored as difficult.
#include <array>

#include "mgrs/core/text.h"
#include "readers/common.h"
#include "readers/formats.h"

namespace mgrs::ingest {
namespace {

constexpr std::array<const char*, 12> kCategories = {
    "ignored-regions", "pedestrian", "people",          "bicycle", "car",   "van",
    "truck",           "tricycle",   "awning-tricycle", "bus",     "motor", "others"};

class VisDroneReader : public FormatReader {
 public:
  Result<std::vector<SourceFile>> ListFiles(const ReaderContext& ctx) const override {
    auto txts = ListFilesWithExtension(ctx, ".txt");
    if (!txts.ok()) return txts.status();
    std::vector<SourceFile> out;
    for (const std::string& path : *txts) {
      const std::string parent = ParentOf(path);
      if (parent != "annotations" && !EndsWith(parent, "/annotations")) continue;
      // VisDrone2019-DET-train/annotations/...: the split is in the folder name.
      std::string split = SplitFromPath(path);
      const std::string top = ToLowerAscii(ParentOf(parent));
      for (const char* s : {"test-dev", "test-challenge", "train", "val"}) {
        if (split == "all" && top.find(s) != std::string::npos) split = s;
      }
      out.push_back(SourceFile{path, split, Stem(path), "", 0});
    }
    if (out.empty()) return NotFound("no VisDrone annotations/*.txt under " + ctx.root);
    return out;
  }

  Result<catalog::SourceBatch> Read(const SourceFile& file, const ReaderContext& ctx) const override {
    catalog::SourceBatch batch;
    batch.file = file.path;
    auto lines = ReadLines(JoinPath(ctx.root, file.path), &batch, file.path, 1);
    if (!lines.ok()) return lines.status();
    catalog::ImageRecord record;
    record.image.id = ImageId(ctx, file, file.stem);
    record.image.dataset = ctx.dataset;
    record.image.split = EffectiveSplit(ctx, file);
    for (size_t i = 0; i < lines->size(); ++i) {
      std::string_view line = TrimAscii((*lines)[i]);
      const int64_t n = static_cast<int64_t>(i) + 1;
      if (line.empty()) continue;
      if (line.back() == ',') line.remove_suffix(1);
      std::string_view fields[9];
      size_t count = 0, start = 0;
      while (true) {
        const size_t comma = line.find(',', start);
        if (count < 9)
          fields[count] = TrimAscii(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
        ++count;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      if (count != 8) {
        AddReject(&batch, file.path, n, count < 8 ? code::kTruncatedLine : code::kExtraFields,
                  "expected 8 comma-separated fields, found " + std::to_string(count), std::string(line), 1);
        continue;
      }
      double box[4];
      int64_t ints[4];
      bool ok = true;
      for (int k = 0; k < 4 && ok; ++k) ok = ParseNumber(fields[k], &box[k]);
      for (int k = 0; k < 4 && ok; ++k) ok = ParseInteger(fields[4 + k], &ints[k]) && ints[k] >= 0;
      if (!ok) {
        AddReject(&batch, file.path, n, code::kBadNumber, "a field is not a (non-negative) number", std::string(line),
                  1);
        continue;
      }
      if (ints[1] >= static_cast<int64_t>(kCategories.size())) {
        AddReject(&batch, file.path, n, code::kUnknownCategory,
                  "object category " + std::to_string(ints[1]) + " is not one of 0-11", std::string(line), 1);
        continue;
      }
      catalog::ObjectRecord object;
      object.line = n;
      object.object.raw_class = kCategories[ints[1]];
      object.object.hbb = Box{box[0], box[1], box[0] + box[2], box[1] + box[3]};
      object.difficulty = ints[0] == 0 ? 1 : 0;
      object.object.difficult = ints[0] == 0;
      object.object.truncated = ints[2] != 0;
      record.objects.push_back(std::move(object));
    }
    FinishImage(ctx, file, ImageCandidates(JoinPath(ParentOf(ParentOf(file.path)), "images"), file.stem),
                std::move(record), &batch);
    return batch;
  }
};

}  // namespace

std::unique_ptr<FormatReader> MakeVisDroneReader() { return std::make_unique<VisDroneReader>(); }

}  // namespace mgrs::ingest
