// COCO detection JSON.
#include "readers/coco_detection.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "mgrs/core/text.h"

namespace mgrs::ingest {

std::string CocoSplit(const std::string& path) {
  const std::string stem = ToLowerAscii(Stem(path));
  for (const char* split : {"train", "val", "test"}) {
    if (stem.find(split) != std::string::npos) return split;
  }
  return SplitFromPath(path);
}

Result<catalog::SourceBatch> ReadCocoDetection(const ReaderContext& ctx, const SourceFile& file,
                                               const std::vector<std::string>& image_dirs) {
  catalog::SourceBatch batch;
  batch.file = file.path;
  auto parsed = ReadJsonFile(ctx, file.path, &batch);
  if (!parsed.ok()) return parsed.status();
  if (!parsed->has_value()) return batch;
  const nlohmann::json& root = **parsed;
  if (!root.is_object() || !root.contains("images") || !root["images"].is_array() || !root.contains("annotations") ||
      !root["annotations"].is_array() || !root.contains("categories") || !root["categories"].is_array()) {
    AddReject(&batch, file.path, 0, code::kMissingField,
              "a COCO file needs the arrays \"images\", \"annotations\" and \"categories\"", "", 0);
    return batch;
  }
  std::unordered_map<int64_t, std::string> category_names;
  for (const nlohmann::json& c : root["categories"]) {
    if (c.contains("id") && c["id"].is_number_integer() && !JsonText(c, "name").empty()) {
      category_names[c["id"].get<int64_t>()] = JsonText(c, "name");
    }
  }
  // Images in file order; annotations attach to them by id.
  std::vector<catalog::ImageRecord> records;
  std::vector<std::string> file_names;
  std::unordered_map<int64_t, size_t> index_of;
  int64_t number = 0;
  for (const nlohmann::json& image : root["images"]) {
    ++number;
    const std::string file_name = JsonText(image, "file_name");
    if (!image.contains("id") || !image["id"].is_number_integer() || file_name.empty()) {
      AddReject(&batch, file.path, number, code::kMissingField,
                "images[" + std::to_string(number - 1) + "] needs an integer \"id\" and a \"file_name\"",
                image.dump().substr(0, 300), 0);
      continue;
    }
    catalog::ImageRecord record;
    const std::string stem = Stem(file_name);
    record.image.id = ImageId(ctx, file, stem);
    record.image.dataset = ctx.dataset;
    record.image.split = EffectiveSplit(ctx, file);
    file_names.push_back(file_name);
    if (image.contains("width") && image["width"].is_number_integer() && image.contains("height") &&
        image["height"].is_number_integer()) {
      record.image.width = image["width"].get<int>();
      record.image.height = image["height"].get<int>();
    }
    index_of[image["id"].get<int64_t>()] = records.size();
    records.push_back(std::move(record));
  }
  number = 0;
  for (const nlohmann::json& a : root["annotations"]) {
    ++number;
    const std::string where = "annotations[" + std::to_string(number - 1) + "]";
    auto raw = [&] { return a.dump().substr(0, 300); };
    if (!a.contains("image_id") || !a["image_id"].is_number_integer() || !a.contains("category_id") ||
        !a["category_id"].is_number_integer() || !a.contains("bbox") || !a["bbox"].is_array() ||
        a["bbox"].size() != 4) {
      AddReject(&batch, file.path, number, code::kMissingField,
                where + " needs integer \"image_id\", \"category_id\" and a 4-number \"bbox\"", raw(), 1);
      continue;
    }
    auto image = index_of.find(a["image_id"].get<int64_t>());
    if (image == index_of.end()) {
      AddReject(&batch, file.path, number, code::kDanglingReference,
                where + " refers to image id " + std::to_string(a["image_id"].get<int64_t>()) +
                    ", which is not in \"images\"",
                raw(), 1);
      continue;
    }
    auto category = category_names.find(a["category_id"].get<int64_t>());
    if (category == category_names.end()) {
      AddReject(&batch, file.path, number, code::kUnknownCategory,
                where + " has category_id " + std::to_string(a["category_id"].get<int64_t>()) +
                    ", which is not in \"categories\"",
                raw(), 1);
      continue;
    }
    double v[4];
    bool numbers = true;
    for (int k = 0; k < 4; ++k) {
      numbers = numbers && a["bbox"][k].is_number();
      if (numbers) v[k] = a["bbox"][k].get<double>();
    }
    if (!numbers) {
      AddReject(&batch, file.path, number, code::kBadNumber, where + ".bbox holds a value that is not a number", raw(),
                1);
      continue;
    }
    catalog::ObjectRecord object;
    object.line = number;
    object.object.raw_class = category->second;
    object.object.hbb = Box{v[0], v[1], v[0] + v[2], v[1] + v[3]};
    // A segmentation of one 4-point polygon is an oriented box (how `mgrs catalog export --format coco` and the
    // usual DOTA-to-COCO converters write quads); other polygons and RLE masks are not read.
    if (a.contains("segmentation") && a["segmentation"].is_array() && a["segmentation"].size() == 1) {
      const nlohmann::json& polygon = a["segmentation"][0];
      if (polygon.is_array() && polygon.size() == 8 &&
          std::all_of(polygon.begin(), polygon.end(), [](const nlohmann::json& n) { return n.is_number(); })) {
        Quad quad;
        for (int k = 0; k < 4; ++k) quad[k] = Point{polygon[2 * k].get<double>(), polygon[2 * k + 1].get<double>()};
        object.object.quad = quad;
      }
    }
    // HRRSD's COCO files mark boxes to leave out of evaluation with "ignore".
    if (a.contains("ignore") && a["ignore"].is_number_integer() && a["ignore"].get<int>() != 0) {
      object.difficulty = 1;
      object.object.difficult = true;
    }
    records[image->second].objects.push_back(std::move(object));
  }
  for (size_t i = 0; i < records.size(); ++i) {
    std::vector<std::string> candidates;
    for (const std::string& dir : image_dirs) candidates.push_back(JoinPath(dir, file_names[i]));
    FinishImage(ctx, file, candidates, std::move(records[i]), &batch);
  }
  return batch;
}

}  // namespace mgrs::ingest
