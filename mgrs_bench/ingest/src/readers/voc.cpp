// VOC XML helpers.
#include "readers/voc.h"

#include <algorithm>
#include <filesystem>
#include <mutex>

#include "mgrs/core/files.h"
#include "mgrs/core/text.h"

namespace mgrs::ingest {

xml::Document ParseAnnotationXml(const ReaderContext& ctx, const std::string& path, catalog::SourceBatch* batch) {
  std::string error;
  int line = 0;
  xml::Document doc = xml::ParseFile(JoinPath(ctx.root, path), &error, &line);
  if (!doc) {
    AddReject(batch, path, line, code::kBadXml, "malformed XML: " + error, "", 0);
    return nullptr;
  }
  const xmlNode* root = xml::Root(doc);
  if (!xml::IsNamed(root, "annotation")) {
    AddReject(batch, path, xml::Line(root), code::kMissingField, "the root element is not <annotation>", "", 0);
    return nullptr;
  }
  return doc;
}

void ReadVocSize(const xmlNode* annotation, catalog::ImageRecord* record) {
  const xmlNode* size = xml::Child(annotation, "size");
  int64_t width = 0, height = 0;
  if (ParseInteger(xml::ChildText(size, "width"), &width) && ParseInteger(xml::ChildText(size, "height"), &height) &&
      width > 0 && height > 0 && width < (1 << 30) && height < (1 << 30)) {
    record->image.width = static_cast<int>(width);
    record->image.height = static_cast<int>(height);
  }
}

xml::Document StartXmlImage(const ReaderContext& ctx, const SourceFile& file, catalog::SourceBatch* batch,
                            catalog::ImageRecord* record) {
  xml::Document doc = ParseAnnotationXml(ctx, file.path, batch);
  if (!doc) return doc;
  record->image.id = ImageId(ctx, file, file.stem);
  record->image.dataset = ctx.dataset;
  record->image.split = EffectiveSplit(ctx, file);
  ReadVocSize(xml::Root(doc), record);
  return doc;
}

namespace {

std::string ObjectText(const xmlNode* object) {
  xmlBuffer* buffer = xmlBufferCreate();
  xmlNodeDump(buffer, object->doc, const_cast<xmlNode*>(object), 0, 0);
  std::string text(reinterpret_cast<const char*>(xmlBufferContent(buffer)), xmlBufferLength(buffer));
  xmlBufferFree(buffer);
  return text;
}

// Reads the numeric children `names` of `parent` into `values`; names the first missing or bad one.
bool ReadNumbers(const xmlNode* parent, const char* const* names, int count, double* values, std::string* bad,
                 bool* missing) {
  for (int i = 0; i < count; ++i) {
    const xmlNode* child = xml::Child(parent, names[i]);
    if (!child) {
      *bad = names[i];
      *missing = true;
      return false;
    }
    if (!ParseNumber(xml::Text(child), &values[i])) {
      *bad = names[i];
      *missing = false;
      return false;
    }
  }
  return true;
}

}  // namespace

bool ReadVocObject(const xmlNode* object, const std::string& path, catalog::ObjectRecord* out,
                   catalog::SourceBatch* batch) {
  const int line = xml::Line(object);
  out->line = line;
  out->object.raw_class = xml::ChildText(object, "name");
  if (out->object.raw_class.empty()) {
    AddReject(batch, path, line, code::kMissingField, "<object> has no <name>", ObjectText(object), 1);
    return false;
  }
  std::string bad;
  bool missing = false;
  if (const xmlNode* rotated = xml::Child(object, "robndbox")) {
    static const char* const kCorners[] = {"x_left_top",     "y_left_top",     "x_right_top",   "y_right_top",
                                           "x_right_bottom", "y_right_bottom", "x_left_bottom", "y_left_bottom"};
    double v[8];
    if (!ReadNumbers(rotated, kCorners, 8, v, &bad, &missing)) {
      AddReject(batch, path, line, missing ? code::kMissingField : code::kBadNumber,
                "<robndbox> " + std::string(missing ? "lacks <" : "has a non-numeric <") + bad + ">",
                ObjectText(object), 1);
      return false;
    }
    const Quad quad = {Point{v[0], v[1]}, Point{v[2], v[3]}, Point{v[4], v[5]}, Point{v[6], v[7]}};
    out->object.quad = quad;
    out->object.hbb = BoundingBox(quad);
  } else if (const xmlNode* box = xml::Child(object, "bndbox")) {
    static const char* const kSides[] = {"xmin", "ymin", "xmax", "ymax"};
    double v[4];
    if (!ReadNumbers(box, kSides, 4, v, &bad, &missing)) {
      AddReject(batch, path, line, missing ? code::kMissingField : code::kBadNumber,
                "<bndbox> " + std::string(missing ? "lacks <" : "has a non-numeric <") + bad + ">", ObjectText(object),
                1);
      return false;
    }
    out->object.hbb = Box{v[0], v[1], v[2], v[3]};
  } else {
    AddReject(batch, path, line, code::kMissingField, "<object> has neither <robndbox> nor <bndbox>",
              ObjectText(object), 1);
    return false;
  }
  for (const char* flag : {"difficult", "truncated"}) {
    const xmlNode* node = xml::Child(object, flag);
    if (!node) continue;
    int64_t value = 0;
    if (!ParseInteger(xml::Text(node), &value) || value < 0) {
      AddReject(batch, path, line, code::kBadNumber, std::string("<") + flag + "> is not a non-negative integer",
                ObjectText(object), 1);
      return false;
    }
    if (flag[0] == 'd') {
      out->difficulty = static_cast<int>(std::min<int64_t>(value, 1000));
      out->object.difficult = value >= 1;
    } else {
      out->object.truncated = value >= 1;
    }
  }
  return true;
}

void ReadVocObjects(const xmlNode* annotation, const std::string& path, catalog::ImageRecord* record,
                    catalog::SourceBatch* batch) {
  for (const xmlNode* node : xml::Children(annotation, "object")) {
    catalog::ObjectRecord object;
    if (ReadVocObject(node, path, &object, batch)) record->objects.push_back(std::move(object));
  }
}

Result<std::map<std::string, std::string>> ReadImageSets(const std::string& folder) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> split_of;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return split_of;
  std::vector<fs::path> lists;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".txt" || name.find('_') != std::string::npos ||
        name.find(' ') != std::string::npos || entry.path().stem() == "trainval") {
      continue;
    }
    lists.push_back(entry.path());
  }
  std::sort(lists.begin(), lists.end());
  for (const fs::path& list : lists) {
    auto lines = ReadLines(list.string());
    if (!lines.ok()) return lines.status();
    for (const std::string& line : *lines) {
      const std::string id(TrimAscii(line));
      if (!id.empty()) split_of.emplace(id, list.stem().string());
    }
  }
  return split_of;
}

namespace {

class VocDetectionReader : public FormatReader {
 public:
  explicit VocDetectionReader(const char* format) : format_(format) {}

  Result<std::vector<SourceFile>> ListFiles(const ReaderContext& ctx) const override {
    auto xmls = ListFilesWithExtension(ctx, ".xml");
    if (!xmls.ok()) return xmls.status();
    std::map<std::string, std::map<std::string, std::string>> splits_by_top;
    std::vector<SourceFile> out;
    for (const std::string& path : *xmls) {
      const std::string top = AnnotationTop(path);
      if (top == "-") continue;
      if (!splits_by_top.count(top)) {
        auto splits = ReadImageSets(JoinPath(JoinPath(ctx.root, top), "ImageSets/Main"));
        if (!splits.ok()) return splits.status();
        splits_by_top[top] = std::move(*splits);
      }
      SourceFile file{path, "", Stem(path), top, 0};
      auto split = splits_by_top[top].find(file.stem);
      file.split = split != splits_by_top[top].end() ? split->second : SplitFromPath(path);
      out.push_back(std::move(file));
    }
    if (out.empty()) return NotFound(std::string("no ") + format_ + " Annotations/*.xml under " + ctx.root);
    return out;
  }

  Result<catalog::SourceBatch> Read(const SourceFile& file, const ReaderContext& ctx) const override {
    catalog::SourceBatch batch;
    batch.file = file.path;
    catalog::ImageRecord record;
    xml::Document doc = StartXmlImage(ctx, file, &batch, &record);
    if (!doc) return batch;
    const xmlNode* annotation = xml::Root(doc);
    ReadVocObjects(annotation, file.path, &record, &batch);
    std::vector<std::string> candidates = ImageCandidates(JoinPath(file.companion, "JPEGImages"), file.stem);
    const std::string filename = xml::ChildText(annotation, "filename");
    if (!filename.empty()) candidates.push_back(JoinPath(JoinPath(file.companion, "JPEGImages"), filename));
    FinishImage(ctx, file, candidates, std::move(record), &batch);
    return batch;
  }

 private:
  // The folder holding Annotations/ (or Annotation/xml/) for an XML path; "-" when the XML is not in one.
  static std::string AnnotationTop(const std::string& path) {
    const std::string parent = ParentOf(path);
    const std::string name = parent.substr(parent.rfind('/') == std::string::npos ? 0 : parent.rfind('/') + 1);
    if (name == "Annotations" || name == "Annotation") return ParentOf(parent);
    if (name == "xml") {
      const std::string grand = ParentOf(parent);
      const std::string grand_name = grand.substr(grand.rfind('/') == std::string::npos ? 0 : grand.rfind('/') + 1);
      if (grand_name == "Annotation" || grand_name == "Annotations") return ParentOf(grand);
    }
    return "-";
  }

  const char* format_;
};

}  // namespace

std::unique_ptr<FormatReader> MakeVocDetectionReader(const char* format) {
  return std::make_unique<VocDetectionReader>(format);
}

}  // namespace mgrs::ingest
