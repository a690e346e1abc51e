// The "precomp" caption layout (AMFMN: RSITMD, RSICD): <split>_caps.txt line i is a caption of the image named
// on line i of <split>_filename.txt, usually 5 consecutive lines per image (datasets.md section 10). One unit
// per caps file; images are looked for in images/ beside or above it.
#include <map>
#include <set>

#include "mgrs/core/text.h"
#include "readers/common.h"
#include "readers/formats.h"

namespace mgrs::ingest {
namespace {

constexpr const char* kCapsSuffix = "_caps.txt";

class PrecompCaptionsReader : public FormatReader {
 public:
  Result<std::vector<SourceFile>> ListFiles(const ReaderContext& ctx) const override {
    auto txts = ListFilesWithExtension(ctx, kCapsSuffix);
    if (!txts.ok()) return txts.status();
    std::vector<SourceFile> out;
    for (const std::string& path : *txts) {
      const std::string name = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
      const std::string split = name.substr(0, name.size() - std::string(kCapsSuffix).size());
      out.push_back(SourceFile{path, split, "", JoinPath(ParentOf(path), split + "_filename.txt"), 0});
    }
    if (out.empty()) return NotFound("no <split>_caps.txt under " + ctx.root);
    return out;
  }

  Result<catalog::SourceBatch> Read(const SourceFile& file, const ReaderContext& ctx) const override {
    catalog::SourceBatch batch;
    batch.file = file.path;
    auto captions = ReadLines(JoinPath(ctx.root, file.path), &batch, file.path);
    if (!captions.ok()) return captions.status();
    auto names = ReadLines(JoinPath(ctx.root, file.companion), &batch, file.companion);
    if (!names.ok()) return names.status();
    std::set<int64_t> too_long;  // lines already rejected as LINE_TOO_LONG (in either file): their pair is left out
    for (const catalog::RejectRecord& r : batch.rejects) too_long.insert(r.diagnostic.line);
    // Images in order of first appearance, captions in file order.
    std::vector<catalog::ImageRecord> records;
    std::vector<std::string> filenames;
    std::map<std::string, size_t> index_of;
    const size_t n = std::max(captions->size(), names->size());
    for (size_t i = 0; i < n; ++i) {
      const int64_t line = static_cast<int64_t>(i) + 1;
      if (i >= captions->size() || i >= names->size()) {
        const bool caption_missing = i >= captions->size();
        AddReject(&batch, caption_missing ? file.companion : file.path, line, code::kUnpairedLine,
                  std::string("line has no partner in ") + (caption_missing ? file.path : file.companion),
                  caption_missing ? (*names)[i] : (*captions)[i], 0);
        continue;
      }
      if (too_long.count(line) > 0) continue;
      const std::string filename(TrimAscii((*names)[i]));
      const std::string text(TrimAscii((*captions)[i]));
      if (filename.empty()) {
        AddReject(&batch, file.companion, line, code::kMissingField, "empty file name", "", 0);
        continue;
      }
      auto found = index_of.find(filename);
      if (found == index_of.end()) {
        catalog::ImageRecord record;
        const std::string split = EffectiveSplit(ctx, file);
        record.image.id = ctx.dataset + "/" + split + "/" + Stem(filename);
        record.image.dataset = ctx.dataset;
        record.image.split = split;
        found = index_of.emplace(filename, records.size()).first;
        records.push_back(std::move(record));
        filenames.push_back(filename);
      }
      if (text.empty()) {
        AddReject(&batch, file.path, line, code::kEmptyText, "empty caption for " + filename + " is left out", "", 0,
                  Severity::kWarning);
        continue;
      }
      catalog::ImageRecord& record = records[found->second];
      record.captions.push_back(catalog::CaptionRecord{text, static_cast<int>(record.captions.size())});
    }
    const std::string dir = ParentOf(file.path);
    for (size_t i = 0; i < records.size(); ++i) {
      FinishImage(ctx, file,
                  {JoinPath(dir, "images/" + filenames[i]), JoinPath(ParentOf(dir), "images/" + filenames[i]),
                   "images/" + filenames[i]},
                  std::move(records[i]), &batch);
    }
    return batch;
  }
};

}  // namespace

std::unique_ptr<FormatReader> MakePrecompCaptionsReader() { return std::make_unique<PrecompCaptionsReader>(); }

}  // namespace mgrs::ingest
