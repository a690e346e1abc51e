// `mgrs augment`: read a dataset's images from the catalog, derive augmented images (count-varying cutout, or
// spatial and colour attribute edits), write them as lossless PNGs and store them in the catalog with their
// lineage. Results depend on the seed and the image ids only, never on the number of threads.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "mgrs/augment/cutout.h"
#include "mgrs/augment/edit.h"
#include "mgrs/catalog/catalog.h"
#include "mgrs/core/status.h"

namespace mgrs::augment {

enum class Operation { kCutout, kEdit };

struct AugmentOptions {
  std::string catalog_path;
  std::string dataset;
  std::string class_key;  // cutout: the class counted ("" = each image's most frequent); edit: only its targets
  std::string out_dir;    // PNGs go to <out_dir>/<parent id>/<op>-<k>.png
  Operation operation = Operation::kCutout;
  uint64_t seed = 0;
  int jobs = 1;  // worker threads; one more thread reads the catalog, the calling thread writes it
  CutoutOptions cutout;
  SpatialOptions spatial;
  ColourOptions colour;
  bool spatial_edit = true;  // kEdit makes up to one spatial and one colour edit per image
  bool colour_edit = true;
  std::string tool_version = "mgrs augment";  // stored with every derivation
};

struct AugmentSummary {
  int64_t images_read = 0;
  int64_t images_augmented = 0;  // with at least one derived image
  int64_t variants_written = 0;
  std::map<std::string, int64_t> written_by_op;
  std::map<std::string, int64_t> skipped;  // reason -> images (or missing cutout variants); docs/augment.md
};

Result<AugmentSummary> RunAugment(const AugmentOptions& options);
std::string SummaryText(const AugmentSummary& summary);

// One catalog image with what augmenting it needs. `file` is where its pixels are.
struct SourceImage {
  Image image;
  std::string file;
  std::vector<catalog::StoredObject> objects;
  std::vector<Expression> expressions;
};

// A derived image ready to store: its record (path filled from options.out_dir) and pixels.
struct DerivedOutput {
  catalog::DerivedImage record;
  cv::Mat pixels;
};

struct ImageOutcome {
  std::vector<DerivedOutput> outputs;
  std::map<std::string, int64_t> skipped;
};

// The derived images of one source image whose pixels are given: pure computation, no files, no catalog.
ImageOutcome AugmentImage(const SourceImage& source, const cv::Mat& pixels, const AugmentOptions& options);

}  // namespace mgrs::augment
