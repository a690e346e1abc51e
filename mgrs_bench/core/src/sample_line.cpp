// AppendSampleLine: the canonical Sample line written directly, for files of hundreds of thousands of samples.
// Anything out of the ordinary (extra keys, invalid UTF-8, non-integral numbers) goes through nlohmann, so the
// bytes always equal SampleToJson(sample).dump().
#include <cmath>
#include <cstdio>

#include "mgrs/core/sample.h"
#include "mgrs/core/text.h"

namespace mgrs {
namespace {

// nlohmann's dump with ensure_ascii off: '"' and '\\' escaped, \b \f \n \r \t by name, other control characters as
// \u00xx (lower-case hex); everything else, UTF-8 included, as it is.
void AppendString(std::string_view text, std::string* out) {
  out->push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
          *out += escaped;
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

// Integral values print as "96.0" in nlohmann's dump; the rest go through it.
void AppendDouble(double value, std::string* out) {
  if (std::isfinite(value) && value == std::floor(value) && std::abs(value) < 1e15 && !std::signbit(value)) {
    *out += std::to_string(static_cast<long long>(value)) + ".0";
  } else {
    *out += nlohmann::json(value).dump();
  }
}

void AppendKey(const char* key, std::string* out) {
  out->push_back(',');
  out->push_back('"');
  *out += key;
  *out += "\":";
}

void AppendStrings(const std::vector<std::string>& items, std::string* out) {
  out->push_back('[');
  for (size_t k = 0; k < items.size(); ++k) {
    if (k) out->push_back(',');
    AppendString(items[k], out);
  }
  out->push_back(']');
}

template <typename Numbers>
void AppendDoubles(const Numbers& values, std::string* out) {
  out->push_back('[');
  bool first = true;
  for (double v : values) {
    if (!first) out->push_back(',');
    first = false;
    AppendDouble(v, out);
  }
  out->push_back(']');
}

void AppendTruth(const GroundTruth& gt, std::string* out) {
  *out += ",\"gt\":{";
  if (const auto* t = std::get_if<CaptionTruth>(&gt)) {
    *out += "\"references\":";
    AppendStrings(t->references, out);
  } else if (const auto* v = std::get_if<VqaTruth>(&gt)) {
    *out += "\"answer\":";
    AppendString(v->answer, out);
    if (!v->type.empty()) AppendKey("type", out), AppendString(v->type, out);
  } else if (const auto* g = std::get_if<GroundingTruth>(&gt)) {
    *out += "\"boxes\":[";
    for (size_t k = 0; k < g->boxes.size(); ++k) {
      if (k) out->push_back(',');
      const Box& b = g->boxes[k];
      AppendDoubles(std::array<double, 4>{b.x1, b.y1, b.x2, b.y2}, out);
    }
    out->push_back(']');
    if (!g->quads.empty()) {
      *out += ",\"quads\":[";
      for (size_t k = 0; k < g->quads.size(); ++k) {
        if (k) out->push_back(',');
        AppendDoubles(g->quads[k], out);
      }
      out->push_back(']');
    }
  } else if (const auto* c = std::get_if<CountingTruth>(&gt)) {
    *out += "\"count\":" + std::to_string(c->count);
    if (!c->object_class.empty()) AppendKey("class", out), AppendString(c->object_class, out);
  } else if (const auto* k = std::get_if<ClassificationTruth>(&gt)) {
    *out += "\"label\":";
    AppendString(k->label, out);
    if (!k->classes.empty()) AppendKey("classes", out), AppendStrings(k->classes, out);
  }
  out->push_back('}');
}

// Whether every text of the sample is valid UTF-8 (else nlohmann's replacement rules apply).
bool AllValidUtf8(const Sample& s) {
  bool valid = IsValidUtf8(s.id) && IsValidUtf8(s.image) && IsValidUtf8(s.dataset) && IsValidUtf8(s.split) &&
               IsValidUtf8(s.granularity);
  for (const Turn& t : s.conversations) valid = valid && IsValidUtf8(t.from) && IsValidUtf8(t.value);
  std::visit(
      [&](const auto& truth) {
        using T = std::decay_t<decltype(truth)>;
        if constexpr (std::is_same_v<T, CaptionTruth>) {
          for (const auto& r : truth.references) valid = valid && IsValidUtf8(r);
        } else if constexpr (std::is_same_v<T, VqaTruth>) {
          valid = valid && IsValidUtf8(truth.answer) && IsValidUtf8(truth.type);
        } else if constexpr (std::is_same_v<T, CountingTruth>) {
          valid = valid && IsValidUtf8(truth.object_class);
        } else if constexpr (std::is_same_v<T, ClassificationTruth>) {
          valid = valid && IsValidUtf8(truth.label);
          for (const auto& c : truth.classes) valid = valid && IsValidUtf8(c);
        }
      },
      s.gt);
  return valid;
}

}  // namespace

void AppendSampleLine(const Sample& s, std::string* out) {
  if (!s.extra.empty() || !AllValidUtf8(s)) {
    *out += SampleToJson(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out->push_back('\n');
    return;
  }
  *out += "{\"id\":";
  AppendString(s.id, out);
  *out += ",\"task\":\"";
  *out += TaskName(s.task);
  out->push_back('"');
  if (!s.image.empty()) AppendKey("image", out), AppendString(s.image, out);
  if (s.image_size) {
    *out += ",\"image_size\":[" + std::to_string((*s.image_size)[0]) + "," + std::to_string((*s.image_size)[1]) + "]";
  }
  if (!s.dataset.empty()) AppendKey("dataset", out), AppendString(s.dataset, out);
  if (!s.split.empty()) AppendKey("split", out), AppendString(s.split, out);
  if (!s.granularity.empty()) AppendKey("granularity", out), AppendString(s.granularity, out);
  if (!s.conversations.empty()) {
    *out += ",\"conversations\":[";
    for (size_t k = 0; k < s.conversations.size(); ++k) {
      if (k) out->push_back(',');
      *out += "{\"from\":";
      AppendString(s.conversations[k].from, out);
      *out += ",\"value\":";
      AppendString(s.conversations[k].value, out);
      out->push_back('}');
    }
    out->push_back(']');
  }
  AppendTruth(s.gt, out);
  *out += "}\n";
}

}  // namespace mgrs
