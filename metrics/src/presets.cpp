// The presets: each published script's rules, as research/metrics.md section 9 reads them.
#include "mgrs/metrics/presets.h"

namespace mgrs::metrics {

const std::vector<std::string>& PresetNames() {
  static const std::vector<std::string> names = {"mgrs",      "geochat",   "vrsbench", "qwenvl",
                                                 "minigptv2", "earthdial", "lhrsbot",  "skysensegpt"};
  return names;
}

Result<CountingMode> ParseCountingMode(const std::string& name) {
  if (name == "first_integer") return CountingMode::kFirstInteger;
  if (name == "vqa") return CountingMode::kVqa;
  if (name == "contains") return CountingMode::kContains;
  return InvalidArgument("--counting-mode: expected first_integer, vqa or contains, got '" + name + "'");
}

const char* CountingModeName(CountingMode mode) {
  switch (mode) {
    case CountingMode::kFirstInteger: return "first_integer";
    case CountingMode::kVqa: return "vqa";
    case CountingMode::kContains: return "contains";
  }
  return "?";
}

Result<Conventions> PresetConventions(const std::string& name) {
  Conventions c;
  c.preset = name;
  GroundingConventions& g = c.grounding;
  if (name == "mgrs") {
    return c;
  }
  if (name == "geochat") {
    c.vqa = VqaMode::kExact;
    c.classification = ClassificationMode::kNoSpace;
    g.syntax = BoxSyntax::kGeoChat;
    g.scale = CoordScale::k100;
    c.notes.push_back(
        "GeoChat publishes generation scripts only; VQA and counting follow its one-word prompts "
        "(lower-case equality, first integer), grounding its {<x1><y1><x2><y2>|<angle>} format");
    return c;
  }
  if (name == "vrsbench") {
    c.vqa = VqaMode::kContains;
    c.classification = ClassificationMode::kContains;
    c.counting = CountingMode::kContains;
    g.syntax = BoxSyntax::kFirstFourInts;
    g.scale = CoordScale::k100;
    g.iou = IouConvention::kPlusOne;
    g.compare_on_grid = true;
    c.notes.push_back(
        "VRSBench's GPT-4o-mini judge for open answers is not reproduced: an answer that does not "
        "contain the ground truth counts as wrong");
    return c;
  }
  if (name == "qwenvl") {
    c.vqa = VqaMode::kExact;
    c.classification = ClassificationMode::kLowercase;
    g.syntax = BoxSyntax::kQwen;
    g.scale = CoordScale::k999;
    g.on_parse_failure = ParseFailurePolicy::kZeroBox;
    return c;
  }
  if (name == "minigptv2") {
    c.vqa = VqaMode::kExact;
    c.classification = ClassificationMode::kLowercase;
    g.syntax = BoxSyntax::kMiniGpt;
    g.scale = CoordScale::k100;
    g.iou = IouConvention::kPlusOne;
    g.op = ThresholdOp::kGreater;
    return c;
  }
  if (name == "earthdial") {
    c.vqa = VqaMode::kTokenRecall;
    c.classification = ClassificationMode::kTokenRecall;
    g.syntax = BoxSyntax::kEarthDial;
    g.scale = CoordScale::k100;
    g.geometry = BoxGeometry::kRotated;
    g.compare_on_grid = true;
    g.any_overlap_precision = true;
    g.allow_out_of_range = true;
    c.notes.push_back("counting: EarthDial has no counting script; the mgrs rule (first integer) applies");
    c.notes.push_back(
        "VQA and classification: NLTK 3.8 word_tokenize, exact, except that its Punkt sentence splitter runs "
        "untrained (NLTK's English model is not available), which splits alike except after a word that model "
        "knows as an abbreviation");
    return c;
  }
  if (name == "lhrsbot") {
    c.vqa = VqaMode::kLhrsBot;
    c.classification = ClassificationMode::kLcs;
    c.counting = CountingMode::kVqa;
    c.notes.push_back("grounding: LHRS-Bot has no grounding script; the mgrs rule applies");
    c.notes.push_back("VQA: as in LHRS-Bot's script, an empty answer scores 1 (it is a substring of every target)");
    return c;
  }
  if (name == "skysensegpt") {
    c.vqa = VqaMode::kExact;
    c.classification = ClassificationMode::kLowercase;
    g.syntax = BoxSyntax::kGeoChat;
    g.scale = CoordScale::k100;
    c.notes.push_back("grounding: SkySenseGPT uses GeoChat's box format; the geochat rule applies");
    return c;
  }
  std::string names;
  for (const auto& n : PresetNames()) names += (names.empty() ? "" : ", ") + n;
  return InvalidArgument("--preset: unknown preset '" + name + "' (expected one of " + names + ")");
}

Status ApplyConventionOverrides(const ScoreOptions& o, Conventions* c) {
  GroundingConventions& g = c->grounding;
  if (!o.vqa_mode.empty()) {
    auto m = ParseVqaMode(o.vqa_mode);
    if (!m.ok()) return m.status();
    c->vqa = *m;
  }
  if (!o.classification_mode.empty()) {
    auto m = ParseClassificationMode(o.classification_mode);
    if (!m.ok()) return m.status();
    c->classification = *m;
  }
  if (!o.counting_mode.empty()) {
    auto m = ParseCountingMode(o.counting_mode);
    if (!m.ok()) return m.status();
    c->counting = *m;
  }
  if (!o.box_format.empty()) {
    auto m = ParseBoxSyntax(o.box_format);
    if (!m.ok()) return m.status();
    g.syntax = *m;
  }
  if (!o.coord_scale.empty()) {
    auto m = ParseCoordScale(o.coord_scale);
    if (!m.ok()) return m.status();
    g.scale = *m;
  }
  if (!o.iou_convention.empty()) {
    if (o.iou_convention == "continuous") {
      g.iou = IouConvention::kContinuous;
    } else if (o.iou_convention == "plus1") {
      g.iou = IouConvention::kPlusOne;
    } else {
      return InvalidArgument("--iou-convention: expected continuous or plus1, got '" + o.iou_convention + "'");
    }
  }
  if (!o.threshold_op.empty()) {
    if (o.threshold_op == "ge") {
      g.op = ThresholdOp::kGreaterEqual;
    } else if (o.threshold_op == "gt") {
      g.op = ThresholdOp::kGreater;
    } else {
      return InvalidArgument("--threshold-op: expected ge or gt, got '" + o.threshold_op + "'");
    }
  }
  if (!o.on_parse_fail.empty()) {
    if (o.on_parse_fail == "wrong") {
      g.on_parse_failure = ParseFailurePolicy::kWrong;
    } else if (o.on_parse_fail == "skip") {
      g.on_parse_failure = ParseFailurePolicy::kSkip;
    } else if (o.on_parse_fail == "zero-box") {
      g.on_parse_failure = ParseFailurePolicy::kZeroBox;
    } else {
      return InvalidArgument("--on-parse-fail: expected wrong, skip or zero-box, got '" + o.on_parse_fail + "'");
    }
  }
  if (!o.box_mode.empty()) {
    if (o.box_mode == "auto") {
      g.geometry = BoxGeometry::kAuto;
    } else if (o.box_mode == "hbb") {
      g.geometry = BoxGeometry::kAxisAligned;
    } else if (o.box_mode == "obb") {
      g.geometry = BoxGeometry::kRotated;
    } else {
      return InvalidArgument("--box-mode: expected auto, hbb or obb, got '" + o.box_mode + "'");
    }
  }
  return Status::Ok();
}

}  // namespace mgrs::metrics
