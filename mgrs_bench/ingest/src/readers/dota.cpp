// DOTA v1.0 / v1.5 / v2.0 labelTxt: "x1 y1 ... x4 y4 class [difficult]" per line, optional "imagesource:" and
// "gsd:" header lines (v1.x), v2.0 meta files (acquisition date, source, gsd) in a separate meta/ folder,
// CRLF or LF, integer or float coordinates, empty files for images without objects (datasets.md section 1).
#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "mgrs/core/files.h"
#include "mgrs/core/text.h"
#include "readers/common.h"
#include "readers/formats.h"

namespace mgrs::ingest {
namespace {

constexpr size_t kMaxTokens = 11;

// Header keys as they appear (lower-cased), e.g. "imagesource", "gsd", "acquisition dates".
struct Header {
  std::string image_source;
  std::string acquired;
  std::optional<double> gsd;
};

// A line is a header iff it has a ':' and fewer than 9 tokens (mmrotate's img_split does the same).
void ApplyHeaderLine(std::string_view line, int64_t line_number, const std::string& path, Header* header,
                     catalog::SourceBatch* batch) {
  const size_t colon = line.find(':');
  const std::string key = ToLowerAscii(TrimAscii(line.substr(0, colon)));
  const std::string_view value = TrimAscii(line.substr(colon + 1));
  if (key == "imagesource") {
    header->image_source = std::string(value);
  } else if (key == "gsd") {
    double gsd = 0;
    const std::string lower = ToLowerAscii(value);
    if (lower.empty() || lower == "null" || lower == "none") {
      header->gsd.reset();
    } else if (ParseNumber(value, &gsd) && gsd > 0) {
      header->gsd = gsd;
    } else {
      AddReject(batch, path, line_number, code::kBadHeader, "gsd '" + std::string(value) + "' is not a number",
                std::string(line), 0, Severity::kWarning);
    }
  } else if (StartsWith(key, "acquisition")) {
    header->acquired = std::string(value);
  }
}

// Iterates the lines of a whole file held in memory: strips "\r" and a UTF-8 BOM, counts lines from 1.
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {
    if (StartsWith(text_, "\xEF\xBB\xBF")) pos_ = 3;
  }
  bool Next(std::string_view* line) {
    if (pos_ >= text_.size()) return false;
    size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    *line = text_.substr(pos_, end - pos_);
    if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
    pos_ = end + 1;
    ++number_;
    return true;
  }
  int64_t number() const { return number_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int64_t number_ = 0;
};

Status ReadMeta(const ReaderContext& ctx, const SourceFile& file, Header* header, catalog::SourceBatch* batch) {
  auto text = ReadFile(JoinPath(ctx.root, file.companion));
  if (!text.ok()) return text.status();
  Lines lines(*text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (line.find(':') != std::string_view::npos) ApplyHeaderLine(line, lines.number(), file.companion, header, batch);
  }
  return Status::Ok();
}

class DotaReader : public FormatReader {
 public:
  Result<std::vector<SourceFile>> ListFiles(const ReaderContext& ctx) const override {
    auto all = ListFilesWithExtension(ctx, ".txt");
    if (!all.ok()) return all.status();
    // v2.0 keeps gsd/source/date in meta/<stem>.txt beside the labels: index them by stem, list the rest.
    std::unordered_map<std::string, std::string> meta_by_stem;
    std::vector<std::string> labels;
    for (const std::string& path : *all) {
      const std::string parent = ParentOf(path);
      const std::string folder = parent.substr(parent.rfind('/') == std::string::npos ? 0 : parent.rfind('/') + 1);
      if (folder == "meta" || EndsWith(folder, "_meta")) {
        meta_by_stem[Stem(path)] = path;
      } else {
        labels.push_back(path);
      }
    }
    if (labels.empty()) return NotFound("no DOTA label files (*.txt) under " + ctx.root);
    std::vector<SourceFile> out;
    out.reserve(labels.size());
    for (std::string& path : labels) {
      SourceFile file;
      file.split = SplitFromPath(path);
      file.stem = Stem(path);
      auto meta = meta_by_stem.find(file.stem);
      if (meta != meta_by_stem.end()) file.companion = meta->second;
      file.path = std::move(path);
      out.push_back(std::move(file));
    }
    return out;
  }

  Result<catalog::SourceBatch> Read(const SourceFile& file, const ReaderContext& ctx) const override {
    catalog::SourceBatch batch;
    batch.file = file.path;
    auto text = ReadFile(JoinPath(ctx.root, file.path));
    if (!text.ok()) return text.status();

    catalog::ImageRecord record;
    record.image.id = ImageId(ctx, file, file.stem);
    record.image.dataset = ctx.dataset;
    record.image.split = EffectiveSplit(ctx, file);
    Header header;
    if (!file.companion.empty()) MGRS_RETURN_IF_ERROR(ReadMeta(ctx, file, &header, &batch));

    std::string_view tokens[kMaxTokens];
    Lines lines(*text);
    std::string_view line;
    std::vector<std::string_view> line_text;  // by line number, for the rejects FinishImage writes
    while (lines.Next(&line)) {
      line_text.push_back(line);
      const int64_t n = lines.number();
      if (line.size() > kMaxAnnotationLineBytes) {
        RejectLongLine(&batch, file.path, n, line, 1);
        continue;
      }
      const size_t count = SplitTokens(line, tokens, kMaxTokens);
      if (count == 0) continue;
      if (count < 9) {
        if (line.find(':') != std::string_view::npos) {
          ApplyHeaderLine(line, n, file.path, &header, &batch);
        } else {
          AddReject(&batch, file.path, n, code::kTruncatedLine,
                    "expected 8 coordinates, a class and a difficulty; found " + std::to_string(count) + " fields",
                    std::string(line), 1);
        }
        continue;
      }
      if (!IsValidUtf8(line)) {
        AddReject(&batch, file.path, n, code::kInvalidUtf8, "line is not valid UTF-8", std::string(line), 1);
        continue;
      }
      if (count > 10) {
        AddReject(&batch, file.path, n, code::kExtraFields,
                  "expected at most 10 fields (DOTA class names have no spaces); found " + std::to_string(count),
                  std::string(line), 1);
        continue;
      }
      catalog::ObjectRecord object;
      Quad quad;
      bool numbers_ok = true;
      for (int k = 0; k < 4 && numbers_ok; ++k) {
        numbers_ok = ParseNumber(tokens[2 * k], &quad[k].x) && ParseNumber(tokens[2 * k + 1], &quad[k].y);
      }
      int64_t difficulty = 0;
      if (numbers_ok && count == 10) numbers_ok = ParseInteger(tokens[9], &difficulty) && difficulty >= 0;
      if (!numbers_ok) {
        AddReject(&batch, file.path, n, code::kBadNumber, "a coordinate or the difficulty is not a number",
                  std::string(line), 1);
        continue;
      }
      object.object.raw_class = std::string(tokens[8]);
      object.object.hbb = BoundingBox(quad);
      object.object.quad = quad;
      object.difficulty = static_cast<int>(std::min<int64_t>(difficulty, 1000));
      object.object.difficult = difficulty >= 1;
      // The splitters write 2 for objects cut by the patch border (DOTA_devkit ImgSplit, mmrotate img_split).
      object.object.truncated = difficulty == 2;
      object.line = n;
      record.objects.push_back(std::move(object));
    }
    record.image_source = header.image_source;
    record.acquired = header.acquired;
    record.image.gsd = header.gsd;

    const std::string label_dir = ParentOf(file.path);
    std::vector<std::string> candidates = ImageCandidates(JoinPath(ParentOf(label_dir), "images"), file.stem);
    for (std::string& c : ImageCandidates(label_dir, file.stem)) candidates.push_back(std::move(c));
    FinishImage(ctx, file, candidates, std::move(record), &batch, [&](int64_t line_number) {
      return line_number >= 1 && line_number <= static_cast<int64_t>(line_text.size())
                 ? std::string(line_text[line_number - 1])
                 : std::string();
    });
    return batch;
  }
};

}  // namespace

std::unique_ptr<FormatReader> MakeDotaReader() { return std::make_unique<DotaReader>(); }

}  // namespace mgrs::ingest
