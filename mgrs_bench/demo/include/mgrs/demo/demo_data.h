// `mgrs demo-data` as a library call: render a small aerial dataset and write it in five real source formats
// (DOTA labelTxt, DIOR-RSVG XML, Karpathy caption JSON, RSVQA JSON, scene folders) that `mgrs ingest` reads as
// they are. docs/demo.md describes the scenes and the layout.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mgrs/core/status.h"
#include "mgrs/demo/describe.h"
#include "mgrs/demo/render.h"

namespace mgrs::demo {

struct DemoDataOptions {
  std::string out_dir;  // created; an earlier demo-data output there is replaced, any other content is refused
  uint64_t seed = 1;
  double scale = 1.0;    // multiplies the image count: 44 per scene class (308 images) at 1, at least 3 per class (one
                         // per split)
  int image_size = 256;  // pixels, square; objects and ground scale with it
  // Called after each image; may be empty.
  std::function<void(int done, int total)> progress;
};

// One image of the plan: which scene, where it goes, and the seed of its own generator.
struct DemoImagePlan {
  SceneKind kind = SceneKind::kAirport;
  std::string split;  // train (70%), val (10%), test (20%), by the image's index within its class
  std::string stem;   // "<scene folder>_<5-digit index>", e.g. "parking_lot_00012"
  int number = 0;     // position in the plan (sorted by stem): the RSVQA image id
  uint64_t seed = 0;
};

// Every image of a run, sorted by stem. Depends only on the seed and the scale.
std::vector<DemoImagePlan> PlanDemoImages(uint64_t seed, double scale);

// One image and every text about it, exactly as WriteDemoData writes them.
struct DemoImage {
  DemoImagePlan plan;
  RenderedScene rendered;
  std::vector<std::optional<Expression>> expressions;  // one per object; nullopt: no unique expression
  std::vector<std::string> captions;                   // five
  std::vector<Question> questions;                     // six
};
DemoImage MakeDemoImage(const DemoImagePlan& plan, int image_size);

// How to ingest one part of the output; `root` is relative to the output folder, `split` empty = from the layout.
struct IngestStep {
  std::string format, root, name, split;
};
// The steps written to <out>/ingest.json: dota, dior-rsvg, captions-karpathy, rsvqa, scene-folders (x3 splits).
std::vector<IngestStep> DemoIngestSteps();

struct DemoDataSummary {
  int images = 0;
  int objects = 0;
  int expressions = 0;  // objects with a unique expression (the DIOR-RSVG objects)
  int captions = 0;
  int questions = 0;
  double seconds = 0;
};

// Renders and writes the dataset. The output appears whole or not at all: it is built in <out_dir>.partial and
// renamed at the end. kInvalidArgument: scale <= 0, image_size < 64, or out_dir holds something that is not an
// earlier demo-data output. Same options, same bytes (on the same OpenCV, libpng and libm).
Result<DemoDataSummary> WriteDemoData(const DemoDataOptions& options);

}  // namespace mgrs::demo
