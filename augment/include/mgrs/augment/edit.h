// Attribute Editing (the paper's "Context-Disentangled Data Augmentation"): move a grounding target to another
// cell of the 3x3 grid and rewrite its position phrase, or recolour it and swap its colour term.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "mgrs/augment/colour.h"
#include "mgrs/augment/rng.h"
#include "mgrs/core/records.h"

namespace mgrs::augment {

struct SpatialOptions {
  double max_iou = 0.1;    // the moved box's IoU with every other object's box stays below this
  int mask_margin_px = 3;  // background cut with the object: its shadow edge and the blending seam
  // The hole is covered by nearby clear ground (a patch of the same shape next to it), blended over its outer
  // `hole_feather_px`, or inpainted when no clear ground is near. It reaches `hole_margin_px` past the object so
  // the blend zone lies on ground.
  int hole_margin_px = 7;
  double hole_feather_px = 4.0;
  int context_px = 8;                  // Poisson blending and inpainting see the patch grown by this much, no more
  int placements_per_cell = 24;        // random positions tried in a cell before the next cell
  double inpaint_radius = 3.0;         // cv::inpaint (Telea) fills the hole the object leaves
  int inpaint_half_res_above_px = 48;  // longer holes are filled at half resolution (same look, 5x cheaper)
  int max_object_px = 320;             // longer objects are not moved ("object_too_large"): no cell has room
  double drop_covered_above = 0.5;     // other objects more than this covered by the hole or the paste lose theirs
};

struct ColourOptions {
  ColourNamerOptions namer;
  TransferOptions transfer;
  int min_pixels = 16;  // smaller regions are not recoloured ("object_too_small")
};

// One edited image, or the reason there is none.
struct EditOutcome {
  std::string skip_reason;  // "" when edited
  cv::Mat pixels;
  std::vector<Object> objects;  // every kept object, the edited one updated
  Expression expression;        // the target's rewritten expression
  std::vector<int64_t> dropped_ids;
  nlohmann::ordered_json params;  // what was done: cells or colours, phrases, offsets
};

// Moves the object `target` refers to. Skips: "no_target_object", "no_position_term",
// "phrase_disagrees_with_position" (the phrase does not describe the object's own cell: relational wording),
// "object_too_large", "no_free_cell" (no placement keeps IoU below max_iou), "unsupported_pixel_type" (not 8-bit
// BGR). Objects must have passed CheckObject.
EditOutcome SpatialEdit(const cv::Mat& image, const std::vector<Object>& objects, const Expression& target,
                        const SpatialOptions& options, Rng& rng);

// Recolours the object `target` refers to and swaps its colour term for a palette colour the region does not
// read as now, trying the colours in random order until the namer reads the target. Skips: "no_target_object",
// "no_colour_term", "object_too_small", "colour_not_reached", "unsupported_pixel_type".
EditOutcome ColourEdit(const cv::Mat& image, const std::vector<Object>& objects, const Expression& target,
                       const ColourOptions& options, Rng& rng);

}  // namespace mgrs::augment
