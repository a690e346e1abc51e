// DIOR-RSVG (visual grounding): Annotations/*.xml (VOC objects with a <description>, the referring expression),
// JPEGImages/, and {train,val,test}.txt holding global object indices: objects numbered over all XMLs sorted by
// path, in document order (datasets.md section 4, RSVG-pytorch data_loader.py). Splits are per object, so an
// image whose objects fall in several splits becomes one catalog image per split (dior-rsvg/<split>/<stem>).
#include <algorithm>
#include <filesystem>
#include <map>

#include "mgrs/core/text.h"
#include "readers/formats.h"
#include "readers/voc.h"

namespace mgrs::ingest {
namespace {

constexpr const char* kSplitFiles[] = {"train", "val", "test"};
constexpr char kNoSplit = '-';
// SourceFile::companion of a split file unit (its first_index is the total object count).
constexpr const char* kSplitFileMarker = "split-file";

class DiorRsvgReader : public FormatReader {
 public:
  Result<std::vector<SourceFile>> ListFiles(const ReaderContext& ctx) const override {
    auto xmls = ListFilesWithExtension(JoinPath(ctx.root, "Annotations"), ".xml", {}, ctx.listing_progress);
    if (!xmls.ok()) return xmls.status();
    if (xmls->empty()) return NotFound("no DIOR-RSVG Annotations/*.xml under " + ctx.root);
    // Global object indices need every file's object count, in path order, before any file is read.
    std::vector<SourceFile> out;
    int64_t total = 0;
    for (const std::string& relative : *xmls) {
      SourceFile file{JoinPath("Annotations", relative), "all", Stem(relative), "", total};
      std::string error;
      int line = 0;
      xml::Document doc = xml::ParseFile(JoinPath(ctx.root, file.path), &error, &line);
      total += static_cast<int64_t>(xml::Children(xml::Root(doc), "object").size());
      out.push_back(std::move(file));
    }
    // Which split each global index belongs to, one character per object ('t', 'v', 'e' or '-').
    std::string split_of(static_cast<size_t>(total), kNoSplit);
    std::vector<SourceFile> split_units;
    for (const char* split : kSplitFiles) {
      const std::string path = std::string(split) + ".txt";
      std::error_code ec;
      if (!std::filesystem::is_regular_file(JoinPath(ctx.root, path), ec)) continue;
      auto lines = ReadLines(JoinPath(ctx.root, path));
      if (!lines.ok()) return lines.status();
      for (const std::string& line : *lines) {
        int64_t index = -1;
        if (ParseInteger(TrimAscii(line), &index) && index >= 0 && index < total) {
          split_of[static_cast<size_t>(index)] = SplitLetter(split);
        }
      }
      split_units.push_back(SourceFile{path, split, "", kSplitFileMarker, total});
    }
    for (SourceFile& file : out) {
      const int64_t count = NextFirstIndex(out, file, total) - file.first_index;
      file.companion = split_of.substr(static_cast<size_t>(file.first_index), static_cast<size_t>(count));
    }
    for (SourceFile& unit : split_units) out.push_back(std::move(unit));
    return out;
  }

  Result<catalog::SourceBatch> Read(const SourceFile& file, const ReaderContext& ctx) const override {
    if (file.companion == kSplitFileMarker) return ReadSplitFile(file, ctx);
    catalog::SourceBatch batch;
    batch.file = file.path;
    xml::Document doc = ParseAnnotationXml(ctx, file.path, &batch);
    if (!doc) return batch;
    const xmlNode* annotation = xml::Root(doc);
    std::map<std::string, catalog::ImageRecord> by_split;
    int64_t k = 0;
    for (const xmlNode* node : xml::Children(annotation, "object")) {
      const int64_t global = file.first_index + k;
      const char letter = k < static_cast<int64_t>(file.companion.size()) ? file.companion[k] : kNoSplit;
      ++k;
      catalog::ObjectRecord object;
      if (!ReadVocObject(node, file.path, &object, &batch)) continue;
      const std::string split = !ctx.split.empty() ? ctx.split : SplitName(letter);
      catalog::ImageRecord& record = by_split[split];
      if (record.image.id.empty()) {
        record.image.id = ctx.dataset + "/" + split + "/" + file.stem;
        record.image.dataset = ctx.dataset;
        record.image.split = split;
        ReadVocSize(annotation, &record);
      }
      const std::string description = xml::ChildText(node, "description");
      if (description.empty()) {
        AddReject(&batch, file.path, object.line, code::kEmptyText,
                  "object " + std::to_string(global) + " has no <description>; stored without an expression", "", 0,
                  Severity::kWarning);
      } else {
        record.expressions.push_back(
            catalog::ExpressionRecord{static_cast<int>(record.objects.size()), description, global});
      }
      record.objects.push_back(std::move(object));
    }
    for (auto& [split, record] : by_split) {
      FinishImage(ctx, file, ImageCandidates("JPEGImages", file.stem), std::move(record), &batch);
    }
    return batch;
  }

 private:
  static char SplitLetter(const std::string& split) { return split == "train" ? 't' : split == "val" ? 'v' : 'e'; }
  static std::string SplitName(char letter) {
    return letter == 't' ? "train" : letter == 'v' ? "val" : letter == 'e' ? "test" : "all";
  }
  static int64_t NextFirstIndex(const std::vector<SourceFile>& files, const SourceFile& file, int64_t total) {
    const size_t i = static_cast<size_t>(&file - files.data());
    return i + 1 < files.size() ? files[i + 1].first_index : total;
  }

  // The split file itself: every index must name an object (0 <= index < total).
  static Result<catalog::SourceBatch> ReadSplitFile(const SourceFile& file, const ReaderContext& ctx) {
    catalog::SourceBatch batch;
    batch.file = file.path;
    auto lines = ReadLines(JoinPath(ctx.root, file.path), &batch, file.path);
    if (!lines.ok()) return lines.status();
    for (size_t i = 0; i < lines->size(); ++i) {
      const std::string_view text = TrimAscii((*lines)[i]);
      if (text.empty()) continue;
      int64_t index = -1;
      if (!ParseInteger(text, &index)) {
        AddReject(&batch, file.path, static_cast<int64_t>(i) + 1, code::kBadNumber, "not an object index",
                  std::string(text), 0);
      } else if (index < 0 || index >= file.first_index) {
        AddReject(&batch, file.path, static_cast<int64_t>(i) + 1, code::kIndexOutOfRange,
                  "object index " + std::to_string(index) + " is outside 0.." + std::to_string(file.first_index - 1) +
                      " (the objects of all annotation files)",
                  std::string(text), 0);
      }
    }
    return batch;
  }
};

}  // namespace

std::unique_ptr<FormatReader> MakeDiorRsvgReader() { return std::make_unique<DiorRsvgReader>(); }

}  // namespace mgrs::ingest
