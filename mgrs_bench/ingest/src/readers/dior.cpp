// DIOR (horizontal, VOC XML) and DIOR-R (oriented, <robndbox> corners): Annotations/{Oriented,Horizontal}
// Bounding Boxes/*.xml, JPEGImages-{trainval,test}/, splits from ImageSets/Main/{train,val,test}.txt
// (datasets.md section 2). When both annotation folders exist the oriented one is read: it has the quads.
#include <filesystem>
#include <map>

#include "mgrs/core/files.h"
#include "mgrs/core/text.h"
#include "readers/formats.h"
#include "readers/voc.h"

namespace mgrs::ingest {
namespace {

namespace fs = std::filesystem;

class DiorReader : public FormatReader {
 public:
  Result<std::vector<SourceFile>> ListFiles(const ReaderContext& ctx) const override {
    std::string folder;
    std::error_code ec;
    for (const char* candidate :
         {"Annotations/Oriented Bounding Boxes", "Annotations/Horizontal Bounding Boxes", "Annotations"}) {
      if (fs::is_directory(JoinPath(ctx.root, candidate), ec)) {
        folder = candidate;
        break;
      }
    }
    auto xmls = ListFilesWithExtension(folder.empty() ? ctx.root : JoinPath(ctx.root, folder), ".xml",
                                       {"Oriented Bounding Boxes", "Horizontal Bounding Boxes"}, ctx.listing_progress);
    if (!xmls.ok()) return xmls.status();
    if (xmls->empty()) return NotFound("no DIOR annotation XML under " + ctx.root);
    auto split_of = ReadImageSets(JoinPath(ctx.root, "ImageSets/Main"));
    if (!split_of.ok()) return split_of.status();
    std::vector<SourceFile> out;
    for (const std::string& relative : *xmls) {
      SourceFile file;
      file.path = JoinPath(folder, relative);
      file.stem = Stem(relative);
      auto split = split_of->find(file.stem);
      file.split = split != split_of->end() ? split->second : SplitFromPath(file.path);
      out.push_back(std::move(file));
    }
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
    std::vector<std::string> candidates;
    std::vector<std::string> stems = {file.stem};
    const std::string filename_stem = Stem(xml::ChildText(annotation, "filename"));
    if (!filename_stem.empty() && filename_stem != file.stem) stems.push_back(filename_stem);
    for (const std::string& stem : stems) {
      for (const char* dir : {"JPEGImages-trainval", "JPEGImages-test", "JPEGImages"}) {
        for (std::string& c : ImageCandidates(dir, stem)) candidates.push_back(std::move(c));
      }
    }
    FinishImage(ctx, file, candidates, std::move(record), &batch);
    return batch;
  }
};

}  // namespace

std::unique_ptr<FormatReader> MakeDiorReader() { return std::make_unique<DiorReader>(); }

}  // namespace mgrs::ingest
