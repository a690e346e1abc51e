// Visual grounding: boxes parsed from answers, mapped to pixels (or to the benchmark's grid), IoU under the
// chosen convention, Acc@0.5/0.7 (the paper's "mAP@0.5/0.7"), mean and cumulative IoU, and for answers with
// several boxes precision / recall / F1 with one-to-one greedy matching and all-point average precision.
#include <algorithm>
#include <cmath>
#include <map>

#include "mgrs/core/geometry.h"
#include "tasks.h"

namespace mgrs::metrics::internal {
namespace {

using nlohmann::ordered_json;

constexpr double kThresholds[2] = {0.5, 0.7};

struct Shape {
  bool rotated = false;
  Box box;
  Polygon polygon;
};

struct Overlap {
  double iou = 0, intersection = 0, uni = 0;
};

Overlap Measure(const Shape& a, const Shape& b, IouConvention convention) {
  Overlap o;
  if (!a.rotated && !b.rotated) {
    o.intersection = BoxIntersection(a.box, b.box, convention);
    o.uni = BoxArea(a.box, convention) + BoxArea(b.box, convention) - o.intersection;
    o.iou = BoxIou(a.box, b.box, convention);
    return o;
  }
  const Polygon pa = a.rotated ? a.polygon : ToPolygon(a.box), pb = b.rotated ? b.polygon : ToPolygon(b.box);
  const double area_a = PolygonArea(pa), area_b = PolygonArea(pb);
  if (area_a <= 0 || area_b <= 0) return o;
  o.intersection = PolygonArea(IntersectConvex(pa, pb));
  o.uni = area_a + area_b - o.intersection;
  o.iou = o.uni > 0 ? o.intersection / o.uni : 0;
  return o;
}

bool Passes(double iou, double threshold, ThresholdOp op) {
  return op == ThresholdOp::kGreaterEqual ? iou >= threshold : iou > threshold;
}

struct SampleBoxes {
  std::vector<Shape> truth, predicted;
  std::string failure;  // why the answer has no usable box; empty when it has one
};

SampleBoxes Prepare(const Sample& sample, const Prediction* p, const GroundingConventions& g) {
  SampleBoxes out;
  const GroundingTruth& truth = std::get<GroundingTruth>(sample.gt);
  const double width = sample.image_size ? (*sample.image_size)[0] : 0;
  const double height = sample.image_size ? (*sample.image_size)[1] : 0;
  const bool have_size = width > 0 && height > 0;
  // Ground truth, in pixels or on the 0-100 grid (VRSBench truncates like Python's int(); EarthDial keeps floats).
  const auto to_grid = [&](double v, double extent) {
    const double x = v / extent * 100;
    return g.iou == IouConvention::kPlusOne ? std::trunc(x) : x;
  };
  const bool on_grid = g.compare_on_grid && have_size;
  for (size_t k = 0; k < truth.boxes.size(); ++k) {
    Shape s;
    const Box& b = truth.boxes[k];
    s.box = on_grid ? Box{to_grid(b.x1, width), to_grid(b.y1, height), to_grid(b.x2, width), to_grid(b.y2, height)} : b;
    if (k < truth.quads.size()) {
      for (int c = 0; c < 4; ++c) {
        const double x = truth.quads[k][2 * c], y = truth.quads[k][2 * c + 1];
        s.polygon.push_back(on_grid ? Point{x / width * 100, y / height * 100} : Point{x, y});
      }
    } else {
      s.polygon = ToPolygon(s.box);
    }
    out.truth.push_back(std::move(s));
  }
  if (!p) {
    out.failure = "missing prediction";
    return out;
  }
  const ParsedAnswer parsed = ParseAnswerBoxes(p->answer, g.syntax);
  if (parsed.boxes.empty()) {
    out.failure = "no parsable box";
    return out;
  }
  for (const AnswerBox& a : parsed.boxes) {
    const double extent = ScaleExtent(g.scale, parsed.syntax, a);
    if (extent > 0 && !have_size && !g.compare_on_grid) {
      out.failure = "the sample has no image_size to map grid coordinates to pixels";
      return out;
    }
    if (a.x2 < a.x1 || a.y2 < a.y1) {
      out.failure = "x2 < x1 or y2 < y1";
      continue;
    }
    const double max_x = extent > 0 ? extent : width, max_y = extent > 0 ? extent : height;
    const bool in_range = a.x1 >= 0 && a.y1 >= 0 && (max_x <= 0 || a.x2 <= max_x) && (max_y <= 0 || a.y2 <= max_y);
    if (!in_range && !g.allow_out_of_range) {
      out.failure = "coordinates out of range";
      continue;
    }
    const bool rotated = g.geometry == BoxGeometry::kRotated ||
                         (g.geometry == BoxGeometry::kAuto && !truth.quads.empty() && a.angle.has_value());
    Box b{a.x1, a.y1, a.x2, a.y2};
    if (!g.compare_on_grid && extent > 0) {
      b = {a.x1 / extent * width, a.y1 / extent * height, a.x2 / extent * width, a.y2 / extent * height};
    } else if (g.compare_on_grid && extent != 100 && extent > 0) {
      b = {a.x1 / extent * 100, a.y1 / extent * 100, a.x2 / extent * 100, a.y2 / extent * 100};
    }
    Shape s;
    s.box = b;
    s.rotated = rotated;
    if (rotated) {
      s.polygon = EarthDialBoxPolygon(b.x1, b.y1, b.x2, b.y2, a.angle.value_or(0.0));
      for (Shape& t : out.truth) t.rotated = true;
    }
    out.predicted.push_back(std::move(s));
  }
  if (!out.predicted.empty()) out.failure.clear();
  return out;
}

}  // namespace

TaskOutcome ScoreGroundingTask(const TaskSamples& input, const Conventions& c) {
  const GroundingConventions& g = c.grounding;
  const size_t n = input.samples.size();
  std::vector<SampleBoxes> boxes(n);
  for (size_t i = 0; i < n; ++i) boxes[i] = Prepare(*input.samples[i], input.predictions[i], g);

  TaskOutcome out;
  out.per_sample.resize(n);
  std::vector<bool> skipped(n, false);
  std::vector<Overlap> first(n);
  std::vector<std::pair<std::string, std::string>> failures;
  for (size_t i = 0; i < n; ++i) {
    SampleBoxes& s = boxes[i];
    if (!s.failure.empty()) {
      if (input.predictions[i]) failures.push_back({input.predictions[i]->id, s.failure});
      if (g.on_parse_failure == ParseFailurePolicy::kSkip && input.predictions[i]) skipped[i] = true;
      if (g.on_parse_failure == ParseFailurePolicy::kZeroBox) s.predicted.push_back(Shape{});
    }
    // The first box of the answer against the ground-truth box it overlaps most.
    if (!s.predicted.empty()) {
      for (const Shape& t : s.truth) {
        const Overlap o = Measure(s.predicted[0], t, g.iou);
        if (o.iou > first[i].iou || first[i].uni == 0) first[i] = o;
      }
    }
    ordered_json m = {{"iou", first[i].iou}};
    if (!s.failure.empty()) m["parse_failure"] = s.failure;
    out.per_sample[i] = {{"metrics", m}, {"boxes", s.predicted.size()}};
  }

  // Detections over all samples ranked by their position in the answer (then sample order), matched one to one
  // (or, for EarthDial, to any overlapping box).
  struct Detection {
    size_t rank, sample, box;
  };
  const auto summarise = [&](const std::vector<size_t>& indices) {
    ordered_json m;
    size_t scored = 0;
    double iou_sum = 0, inter_sum = 0, union_sum = 0;
    size_t pass[2] = {0, 0};
    for (size_t i : indices) {
      if (skipped[i]) continue;
      ++scored;
      iou_sum += first[i].iou;
      inter_sum += first[i].intersection;
      union_sum += first[i].uni;
      for (int t = 0; t < 2; ++t) pass[t] += !boxes[i].predicted.empty() && Passes(first[i].iou, kThresholds[t], g.op);
    }
    const double denominator = scored ? static_cast<double>(scored) : 1.0;
    m["acc@0.5"] = pass[0] / denominator;
    m["acc@0.7"] = pass[1] / denominator;
    m["mean_iou"] = iou_sum / denominator;
    m["cum_iou"] = union_sum > 0 ? inter_sum / union_sum : 0.0;
    std::vector<Detection> detections;
    size_t truths = 0;
    for (size_t i : indices) {
      if (skipped[i]) continue;
      truths += boxes[i].truth.size();
      for (size_t k = 0; k < boxes[i].predicted.size(); ++k) detections.push_back({k, i, k});
    }
    std::stable_sort(detections.begin(), detections.end(),
                     [](const Detection& a, const Detection& b) { return a.rank < b.rank; });
    for (int t = 0; t < 2; ++t) {
      std::vector<bool> hits;
      std::map<size_t, std::vector<bool>> used;
      for (const Detection& d : detections) {
        const SampleBoxes& s = boxes[d.sample];
        std::vector<bool>& taken = used[d.sample];
        taken.resize(s.truth.size(), false);
        int best = -1;
        double best_iou = -1;
        for (size_t k = 0; k < s.truth.size(); ++k) {
          if (taken[k] && !g.any_overlap_precision) continue;
          const double iou = Measure(s.predicted[d.box], s.truth[k], g.iou).iou;
          if (iou > best_iou) {
            best_iou = iou;
            best = static_cast<int>(k);
          }
        }
        const bool hit = best >= 0 && Passes(best_iou, kThresholds[t], g.op);
        if (hit) taken[best] = true;
        hits.push_back(hit);
      }
      const std::string suffix = t == 0 ? "@0.5" : "@0.7";
      if (t == 0) {
        const double tp = static_cast<double>(std::count(hits.begin(), hits.end(), true));
        const double precision = hits.empty() ? 0.0 : tp / hits.size();
        const double recall = truths ? tp / truths : 0.0;
        m["precision@0.5"] = precision;
        m["recall@0.5"] = recall;
        m["f1@0.5"] = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
      }
      m["ap" + suffix] = AveragePrecision(hits, truths);
    }
    m["scored"] = scored;
    return m;
  };
  std::vector<size_t> all(n);
  for (size_t i = 0; i < n; ++i) all[i] = i;
  out.summary["n"] = n;
  out.summary["metrics"] = summarise(all);
  out.summary["metric_labels"] = {{"acc@0.5", "mAP@0.5 in the paper's tables"},
                                  {"acc@0.7", "mAP@0.7 in the paper's tables"}};
  out.summary["parse_failures"] = failures.size();
  ordered_json ids = ordered_json::array();
  for (const auto& [id, why] : failures) ids.push_back({{"id", id}, {"reason", why}});
  out.summary["parse_failure_ids"] = ids;
  AddBreakdowns(input, summarise, &out.summary);

  const char* policy = g.on_parse_failure == ParseFailurePolicy::kWrong  ? "wrong (IoU 0, in the denominator)"
                       : g.on_parse_failure == ParseFailurePolicy::kSkip ? "skipped (left out of the denominator)"
                                                                         : "the box (0,0,0,0), as Qwen-VL's script";
  out.settings["grounding"] = {
      {"box_format", BoxSyntaxName(g.syntax)},
      {"coord_scale", CoordScaleName(g.scale)},
      {"iou_convention", g.iou == IouConvention::kPlusOne ? "plus1" : "continuous"},
      {"threshold_op", g.op == ThresholdOp::kGreaterEqual ? ">=" : ">"},
      {"on_parse_fail", policy},
      {"geometry", g.geometry == BoxGeometry::kRotated       ? "rotated (EarthDial polygons)"
                   : g.geometry == BoxGeometry::kAxisAligned ? "axis-aligned"
                                                             : "rotated when the ground truth has quads and the answer "
                                                               "an angle, else axis-aligned"},
      {"compare_on", g.compare_on_grid ? "the 0-100 grid" : "pixels"},
      {"acc", "the answer's first box against the ground-truth box it overlaps most"},
      {"matching_rule",
       g.any_overlap_precision
           ? "a predicted box is correct when it overlaps any ground-truth box (EarthDial); ranked by position"
           : "one-to-one greedy: boxes ranked by their position in the answer (then sample order), each matched to "
             "the unmatched ground-truth box of its sample with the highest IoU"},
      {"ap", "all-point interpolated average precision over those ranked boxes"}};
  return out;
}

}  // namespace mgrs::metrics::internal
