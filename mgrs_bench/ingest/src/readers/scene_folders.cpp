// Scene classification as one folder per class (NWPU-RESISC45, AID, WHU-RS19, UCMerced: datasets.md section 13):
// <root>/<Class>/<image>; the folder name is the raw label (AID "BaseballField", RESISC45 "baseball_diamond"),
// the catalog adds its normalised key. One unit per class folder; split = --split or "all".
#include <filesystem>

#include "mgrs/core/text.h"
#include "readers/common.h"
#include "readers/formats.h"

namespace mgrs::ingest {
namespace {

namespace fs = std::filesystem;

bool IsImageName(const std::string& name) {
  const std::string lower = ToLowerAscii(name);
  for (const char* ext : {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp"}) {
    if (EndsWith(lower, ext)) return true;
  }
  return false;
}

class SceneFoldersReader : public FormatReader {
 public:
  Result<std::vector<SourceFile>> ListFiles(const ReaderContext& ctx) const override {
    std::error_code ec;
    if (!fs::is_directory(ctx.root, ec)) return NotFound("dataset root " + ctx.root + " is not a folder");
    std::vector<SourceFile> out;
    for (const auto& entry : fs::directory_iterator(ctx.root, ec)) {
      if (!entry.is_directory(ec)) continue;
      const std::string name = entry.path().filename().string();
      out.push_back(SourceFile{name, "all", name, "", 0});
    }
    std::sort(out.begin(), out.end(), [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
    if (out.empty()) return NotFound("no class folders under " + ctx.root);
    return out;
  }

  Result<catalog::SourceBatch> Read(const SourceFile& file, const ReaderContext& ctx) const override {
    catalog::SourceBatch batch;
    batch.file = file.path;
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(JoinPath(ctx.root, file.path), ec)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_regular_file(ec) && IsImageName(name)) names.push_back(name);
    }
    if (ec) return IoError("cannot list " + JoinPath(ctx.root, file.path) + ": " + ec.message());
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      catalog::ImageRecord record;
      record.image.id = ImageId(ctx, file, Stem(name));
      record.image.dataset = ctx.dataset;
      record.image.split = EffectiveSplit(ctx, file);
      record.scene_label = file.path;
      FinishImage(ctx, file, {JoinPath(file.path, name)}, std::move(record), &batch);
    }
    return batch;
  }
};

}  // namespace

std::unique_ptr<FormatReader> MakeSceneFoldersReader() { return std::make_unique<SceneFoldersReader>(); }

}  // namespace mgrs::ingest
