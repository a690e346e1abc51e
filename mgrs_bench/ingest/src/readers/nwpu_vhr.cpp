// NWPU VHR-10: the original "ground truth/NNN.txt" files, one "(x1,y1),(x2,y2),c" per line with class ids 1-10
// (datasets.md section 6), images in "positive image set/"; or its COCO re-annotation (annotations.json).
#include <array>

#include "mgrs/core/files.h"
#include "mgrs/core/text.h"
#include "readers/coco_detection.h"
#include "readers/formats.h"

namespace mgrs::ingest {
namespace {

constexpr std::array<const char*, 10> kClasses = {
    "airplane",           "ship",   "storage tank", "baseball diamond", "tennis court", "basketball court",
    "ground track field", "harbor", "bridge",       "vehicle"};

class NwpuVhrReader : public FormatReader {
 public:
  Result<std::vector<SourceFile>> ListFiles(const ReaderContext& ctx) const override {
    auto txts = ListFilesWithExtension(ctx, ".txt");
    if (!txts.ok()) return txts.status();
    std::vector<SourceFile> out;
    for (const std::string& path : *txts) {
      const std::string parent = ParentOf(path);
      if (parent != "ground truth" && !EndsWith(parent, "/ground truth")) continue;
      out.push_back(SourceFile{path, SplitFromPath(path), Stem(path), "", 0});
    }
    if (out.empty()) {
      // The COCO re-annotation instead.
      auto jsons = ListFilesWithExtension(ctx, ".json");
      if (!jsons.ok()) return jsons.status();
      for (const std::string& path : *jsons) out.push_back(SourceFile{path, CocoSplit(path), "", "", 0});
    }
    if (out.empty()) return NotFound("no NWPU VHR-10 'ground truth/*.txt' or COCO *.json under " + ctx.root);
    return out;
  }

  Result<catalog::SourceBatch> Read(const SourceFile& file, const ReaderContext& ctx) const override {
    const std::string top = ParentOf(ParentOf(file.path));
    if (EndsWith(file.path, ".json")) {
      const std::string dir = ParentOf(file.path);
      return ReadCocoDetection(ctx, file,
                               {JoinPath(dir, "positive image set"), JoinPath(top, "positive image set"),
                                JoinPath(dir, "images"), dir, "positive image set"});
    }
    catalog::SourceBatch batch;
    batch.file = file.path;
    auto lines = ReadLines(JoinPath(ctx.root, file.path), &batch, file.path, 1);
    if (!lines.ok()) return lines.status();
    catalog::ImageRecord record;
    record.image.id = ImageId(ctx, file, file.stem);
    record.image.dataset = ctx.dataset;
    record.image.split = EffectiveSplit(ctx, file);
    for (size_t i = 0; i < lines->size(); ++i) {
      const std::string& line = (*lines)[i];
      const int64_t n = static_cast<int64_t>(i) + 1;
      std::string cleaned;
      for (char c : line) {
        if (c != '(' && c != ')' && c != ' ' && c != '\t') cleaned += c;
      }
      if (cleaned.empty()) continue;  // the files end with blank lines
      std::string_view fields[6];
      size_t count = 0;
      size_t start = 0;
      while (count < 6) {
        const size_t comma = cleaned.find(',', start);
        fields[count++] = std::string_view(cleaned).substr(start, comma == std::string::npos ? comma : comma - start);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      if (count != 5) {
        AddReject(&batch, file.path, n, count < 5 ? code::kTruncatedLine : code::kExtraFields,
                  "expected \"(x1,y1),(x2,y2),class\"", line, 1);
        continue;
      }
      double v[4];
      int64_t class_id = 0;
      bool ok = ParseInteger(fields[4], &class_id);
      for (int k = 0; k < 4 && ok; ++k) ok = ParseNumber(fields[k], &v[k]);
      if (!ok) {
        AddReject(&batch, file.path, n, code::kBadNumber, "a coordinate or the class id is not a number", line, 1);
        continue;
      }
      if (class_id < 1 || class_id > static_cast<int64_t>(kClasses.size())) {
        AddReject(&batch, file.path, n, code::kUnknownCategory,
                  "class id " + std::to_string(class_id) + " is not one of 1-10", line, 1);
        continue;
      }
      catalog::ObjectRecord object;
      object.line = n;
      object.object.raw_class = kClasses[class_id - 1];
      object.object.hbb = Box{v[0], v[1], v[2], v[3]};
      record.objects.push_back(std::move(object));
    }
    FinishImage(ctx, file, ImageCandidates(JoinPath(top, "positive image set"), file.stem), std::move(record), &batch);
    return batch;
  }
};

}  // namespace

std::unique_ptr<FormatReader> MakeNwpuVhrReader() { return std::make_unique<NwpuVhrReader>(); }

}  // namespace mgrs::ingest
