// FAIR1M 1.0 / 2.0: <split>/[partN/]labelXml(s)/<n>.xml beside images/<n>.tif; class in
// object/possibleresult/name, geometry as 4 or 5 "x,y" points (the 5th closes the ring) (datasets.md section 3).
#include <algorithm>

#include "mgrs/core/text.h"
#include "readers/formats.h"
#include "readers/voc.h"

namespace mgrs::ingest {
namespace {

class Fair1mReader : public FormatReader {
 public:
  Result<std::vector<SourceFile>> ListFiles(const ReaderContext& ctx) const override {
    auto xmls = ListFilesWithExtension(ctx, ".xml");
    if (!xmls.ok()) return xmls.status();
    std::vector<SourceFile> out;
    for (const std::string& path : *xmls) {
      const std::string parent = ParentOf(path);
      const std::string folder = parent.substr(parent.rfind('/') == std::string::npos ? 0 : parent.rfind('/') + 1);
      if (folder != "labelXml" && folder != "labelXmls") continue;
      SourceFile file;
      file.path = path;
      file.stem = Stem(path);
      file.split = SplitFromPath(path);
      out.push_back(std::move(file));
    }
    if (out.empty()) return NotFound("no FAIR1M labelXml/*.xml under " + ctx.root);
    return out;
  }

  Result<catalog::SourceBatch> Read(const SourceFile& file, const ReaderContext& ctx) const override {
    catalog::SourceBatch batch;
    batch.file = file.path;
    catalog::ImageRecord record;
    xml::Document doc = StartXmlImage(ctx, file, &batch, &record);
    if (!doc) return batch;
    const xmlNode* annotation = xml::Root(doc);
    record.image_source = xml::ChildText(xml::Child(annotation, "source"), "origin");
    for (const xmlNode* node : xml::Children(xml::Child(annotation, "objects"), "object")) {
      const int line = xml::Line(node);
      catalog::ObjectRecord object;
      object.line = line;
      object.object.raw_class = xml::ChildText(xml::Child(node, "possibleresult"), "name");
      if (object.object.raw_class.empty()) {
        AddReject(&batch, file.path, line, code::kMissingField, "<object> has no <possibleresult><name>", "", 1);
        continue;
      }
      std::vector<Point> points;
      std::string bad_point;
      for (const xmlNode* point : xml::Children(xml::Child(node, "points"), "point")) {
        const std::string text = xml::Text(point);
        const size_t comma = text.find(',');
        Point p;
        if (comma == std::string::npos || !ParseNumber(TrimAscii(std::string_view(text).substr(0, comma)), &p.x) ||
            !ParseNumber(TrimAscii(std::string_view(text).substr(comma + 1)), &p.y)) {
          bad_point = text;
          break;
        }
        points.push_back(p);
      }
      if (!bad_point.empty()) {
        AddReject(&batch, file.path, line, code::kBadNumber, "point '" + bad_point + "' is not \"x,y\"", bad_point, 1);
        continue;
      }
      if (points.size() == 5 && points[4] == points[0]) points.pop_back();  // closed ring
      if (points.size() != 4) {
        AddReject(&batch, file.path, line, code::kBadPoints,
                  "expected 4 points (or 5 closing the ring), found " + std::to_string(points.size()),
                  object.object.raw_class, 1);
        continue;
      }
      const Quad quad = {points[0], points[1], points[2], points[3]};
      object.object.quad = quad;
      object.object.hbb = BoundingBox(quad);
      record.objects.push_back(std::move(object));
    }
    const std::string image_dir = JoinPath(ParentOf(ParentOf(file.path)), "images");
    std::vector<std::string> candidates = ImageCandidates(image_dir, file.stem);
    const std::string filename_stem = Stem(xml::ChildText(xml::Child(annotation, "source"), "filename"));
    if (!filename_stem.empty() && filename_stem != file.stem) {
      for (std::string& c : ImageCandidates(image_dir, filename_stem)) candidates.push_back(std::move(c));
    }
    FinishImage(ctx, file, candidates, std::move(record), &batch);
    return batch;
  }
};

}  // namespace

std::unique_ptr<FormatReader> MakeFair1mReader() { return std::make_unique<Fair1mReader>(); }

}  // namespace mgrs::ingest
