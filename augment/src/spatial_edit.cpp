// Spatial attribute edit: fill the object's hole, paste it into another grid cell with Poisson blending, rewrite
// the position phrase (see edit.h).
#include <algorithm>
#include <cmath>
#include <optional>

#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

#include "edit_checks.h"
#include "mgrs/augment/edit.h"
#include "mgrs/augment/phrases.h"
#include "mgrs/augment/regions.h"

namespace mgrs::augment {
namespace {

Object Moved(const Object& object, int dx, int dy, GridCell cell) {
  Object moved = object;
  moved.hbb = Box{object.hbb.x1 + dx, object.hbb.y1 + dy, object.hbb.x2 + dx, object.hbb.y2 + dy};
  if (moved.quad) {
    for (Point& p : *moved.quad) p = Point{p.x + dx, p.y + dy};
  }
  moved.attributes.grid_cell = CellName(cell);
  return moved;
}

Point Centre(const Box& b) { return Point{(b.x1 + b.x2) / 2, (b.y1 + b.y2) / 2}; }

// The cut: the object's polygon grown by the margin, in the frame of `source` (its pixel box with room for the
// margin and the one-pixel border seamlessClone clears).
struct Cut {
  cv::Rect source;
  cv::Mat mask;
};

Cut MakeCut(const Object& object, cv::Size size, int margin) {
  Cut cut;
  cut.source = PixelBox(object, margin + 2, size);
  cut.mask = cv::Mat::zeros(cut.source.size(), CV_8UC1);
  FillObject(cut.mask, object, cut.source.tl());
  if (margin > 0) {
    cv::dilate(cut.mask, cut.mask, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * margin + 1, 2 * margin + 1}));
  }
  // seamlessClone zeroes the mask's outer pixel ring; do it here so the hole and the paste agree.
  cv::rectangle(cut.mask, cv::Rect(0, 0, cut.mask.cols, cut.mask.rows), cv::Scalar(0), 1);
  return cut;
}

// Fills the pixels under the cut, seeing only the cut's box grown by `context`. Holes longer than
// `half_res_above` px are filled at half resolution and upsampled: Telea's fill is smooth at the hole's scale,
// so the result looks the same, at a fifth of the cost for a 100 px object (BENCHMARKS.md).
void FillHole(cv::Mat& image, const Cut& cut, const SpatialOptions& options) {
  const int context = options.context_px;
  const cv::Rect area = (cut.source + cv::Size(2 * context, 2 * context) - cv::Point(context, context)) &
                        cv::Rect(0, 0, image.cols, image.rows);
  cv::Mat hole = cv::Mat::zeros(area.size(), CV_8UC1);
  cut.mask.copyTo(hole(cut.source - area.tl()));
  cv::Mat filled;
  if (std::max(cut.source.width, cut.source.height) > options.inpaint_half_res_above_px) {
    cv::Mat small, small_hole, small_filled;
    cv::resize(image(area), small, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
    cv::resize(hole, small_hole, small.size(), 0, 0, cv::INTER_AREA);
    cv::threshold(small_hole, small_hole, 0, 255, cv::THRESH_BINARY);  // any hole pixel under it: fill
    cv::inpaint(small, small_hole, small_filled, std::max(1.0, options.inpaint_radius / 2), cv::INPAINT_TELEA);
    cv::resize(small_filled, filled, area.size(), 0, 0, cv::INTER_LINEAR);
  } else {
    cv::inpaint(image(area), hole, filled, options.inpaint_radius, cv::INPAINT_TELEA);
  }
  filled.copyTo(image(area), hole);
}

// Pastes the pixels of `original` under `mask` (in the frame of `from`) into `image` with the frame's top-left
// at `to`, with Poisson blending (cv::seamlessClone, NORMAL_CLONE) over the destination grown by `context` only.
void Paste(cv::Mat& image, const cv::Mat& original, cv::Rect from, const cv::Mat& mask, cv::Point to, int context) {
  const cv::Rect mask_box = cv::boundingRect(mask);
  const cv::Rect target = cv::Rect(to + mask_box.tl(), mask_box.size());
  const cv::Rect area = (target + cv::Size(2 * context, 2 * context) - cv::Point(context, context)) &
                        cv::Rect(0, 0, image.cols, image.rows);
  // seamlessClone centres the mask's bounding box on `centre`: this centre puts it exactly at `target`.
  const cv::Point centre = target.tl() - area.tl() + cv::Point(mask_box.width / 2, mask_box.height / 2);
  cv::Mat blended;
  cv::seamlessClone(original(from), image(area), mask.clone(), centre, blended, cv::NORMAL_CLONE);
  blended.copyTo(image(area));
}

// Covers the hole with the ground patch at `from`, feathered: full weight from `feather` px inside the hole's
// edge, fading to the pixels already there at the edge (which is ground: the hole reaches past the object).
void CoverWithGround(cv::Mat& image, const cv::Mat& original, cv::Rect from, const Cut& hole, double feather) {
  cv::Mat distance;
  cv::distanceTransform(hole.mask, distance, cv::DIST_L2, 3);
  cv::Mat target = image(hole.source);
  const cv::Mat patch = original(from);
  for (int y = 0; y < hole.mask.rows; ++y) {
    for (int x = 0; x < hole.mask.cols; ++x) {
      if (!hole.mask.at<uchar>(y, x)) continue;
      const double alpha = std::min(1.0, distance.at<float>(y, x) / std::max(1.0, feather));
      cv::Vec3b& out = target.at<cv::Vec3b>(y, x);
      const cv::Vec3b& in = patch.at<cv::Vec3b>(y, x);
      for (int c = 0; c < 3; ++c) out[c] = cv::saturate_cast<uchar>(alpha * in[c] + (1 - alpha) * out[c]);
    }
  }
}

// Ground to cover the hole with: a patch the size of the cut next to it (one or two cut sizes away), inside the
// image, clear of every object's box and of where the object goes. None in a crowded scene.
std::optional<cv::Rect> GroundPatch(const Cut& cut, const std::vector<Object>& objects, cv::Rect destination,
                                    cv::Size size) {
  const int w = cut.source.width, h = cut.source.height;
  const cv::Point offsets[] = {{w, 0},  {-w, 0},  {0, h},     {0, -h},     {w, h},     {-w, h},
                               {w, -h}, {-w, -h}, {2 * w, 0}, {-2 * w, 0}, {0, 2 * h}, {0, -2 * h}};
  const cv::Rect image(0, 0, size.width, size.height);
  for (const cv::Point& offset : offsets) {
    const cv::Rect patch = cut.source + offset;
    if ((patch & image) != patch || (patch & destination).area() > 0) continue;
    const bool clear = std::all_of(objects.begin(), objects.end(),
                                   [&](const Object& o) { return (patch & PixelBox(o, 0, size)).area() == 0; });
    if (clear) return patch;
  }
  return std::nullopt;
}

struct Placement {
  GridCell cell;
  int dx = 0, dy = 0;
};

// A random shift that puts the object's centre in `cell`, keeps the cut inside the image, and keeps the IoU
// with every other box below the limit; none when `tries` random positions all fail.
std::optional<Placement> Place(const Object& object, const Cut& cut, const std::vector<Object>& others, GridCell cell,
                               cv::Size size, const SpatialOptions& options, Rng& rng) {
  const Point centre = Centre(object.hbb);
  const double cell_w = size.width / 3.0, cell_h = size.height / 3.0;
  for (int t = 0; t < options.placements_per_cell; ++t) {
    const double x = rng.Uniform(cell.col * cell_w, (cell.col + 1) * cell_w);
    const double y = rng.Uniform(cell.row * cell_h, (cell.row + 1) * cell_h);
    const int dx = static_cast<int>(std::lround(x - centre.x)), dy = static_cast<int>(std::lround(y - centre.y));
    const cv::Rect moved = cut.source + cv::Point(dx, dy);
    if (moved.x < 0 || moved.y < 0 || moved.br().x > size.width || moved.br().y > size.height) continue;
    const Box box{object.hbb.x1 + dx, object.hbb.y1 + dy, object.hbb.x2 + dx, object.hbb.y2 + dy};
    if (!(CellOf(Centre(box), size.width, size.height) == cell)) continue;
    const bool clear = std::all_of(others.begin(), others.end(), [&](const Object& o) {
      return o.id == object.id || BoxIou(box, o.hbb) < options.max_iou;
    });
    if (clear) return Placement{cell, dx, dy};
  }
  return std::nullopt;
}

}  // namespace

EditOutcome SpatialEdit(const cv::Mat& image, const std::vector<Object>& objects, const Expression& target,
                        const SpatialOptions& options, Rng& rng) {
  const char* skip = nullptr;
  const Object* it = EditTarget(image, objects, target, &skip);
  if (!it) return Skipped(skip);
  const auto phrase = FindPositionPhrase(target.text);
  if (!phrase) return Skipped("no_position_term");
  const GridCell from = CellOf(Centre(it->hbb), image.cols, image.rows);
  if (!phrase->Matches(from)) return Skipped("phrase_disagrees_with_position");
  if (std::max(it->hbb.width(), it->hbb.height()) > options.max_object_px) return Skipped("object_too_large");

  const Cut cut = MakeCut(*it, image.size(), options.mask_margin_px);
  // Cells the old phrase does not describe, in random order: the rewritten phrase then says something new.
  std::vector<GridCell> cells;
  for (int row = 0; row < 3; ++row) {
    for (int col = 0; col < 3; ++col) {
      if (!phrase->Matches(GridCell{row, col})) cells.push_back(GridCell{row, col});
    }
  }
  rng.Shuffle(cells);
  std::optional<Placement> placement;
  for (const GridCell& cell : cells) {
    if ((placement = Place(*it, cut, objects, cell, image.size(), options, rng))) break;
  }
  if (!placement) return Skipped("no_free_cell");

  EditOutcome out;
  out.pixels = image.clone();
  const cv::Point shift(placement->dx, placement->dy);
  // The hole: nearby ground blended in keeps the ground's texture; inpainting (smooth) only when none is clear.
  const Cut hole = MakeCut(*it, image.size(), options.hole_margin_px);
  const auto ground = GroundPatch(hole, objects, cut.source + shift, image.size());
  if (ground) {
    CoverWithGround(out.pixels, image, *ground, hole, options.hole_feather_px);
  } else {
    FillHole(out.pixels, hole, options);
  }
  Paste(out.pixels, image, cut.source, cut.mask, cut.source.tl() + shift, options.context_px);
  // What the hole and the paste covered decides which other annotations still hold.
  cv::Mat touched = cv::Mat::zeros(image.size(), CV_8UC1);
  hole.mask.copyTo(touched(hole.source));
  cut.mask.copyTo(touched(cut.source + cv::Point(placement->dx, placement->dy)), cut.mask);
  const Object moved = Moved(*it, placement->dx, placement->dy, placement->cell);
  for (const Object& o : objects) {
    if (o.id == it->id) {
      out.objects.push_back(moved);
    } else if (CoveredFraction(o, touched) > options.drop_covered_above) {
      out.dropped_ids.push_back(o.id);
    } else {
      out.objects.push_back(o);
    }
  }
  out.expression = target;
  out.expression.text = RewritePosition(target.text, *phrase, placement->cell);
  out.params = {{"object_id", it->id},
                {"from_cell", CellName(from)},
                {"to_cell", CellName(placement->cell)},
                {"dx", placement->dx},
                {"dy", placement->dy},
                {"hole", ground ? "ground_patch" : "inpaint"},
                {"expression_before", target.text}};
  return out;
}

}  // namespace mgrs::augment
