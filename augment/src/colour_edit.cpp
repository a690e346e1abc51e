// Colour attribute edit: swap the colour term, recolour the object's polygon, check the namer (see edit.h).
#include <algorithm>

#include "edit_checks.h"
#include "mgrs/augment/edit.h"
#include "mgrs/augment/phrases.h"
#include "mgrs/augment/regions.h"

namespace mgrs::augment {

EditOutcome ColourEdit(const cv::Mat& image, const std::vector<Object>& objects, const Expression& target,
                       const ColourOptions& options, Rng& rng) {
  const char* skip = nullptr;
  const Object* it = EditTarget(image, objects, target, &skip);
  if (!it) return Skipped(skip);
  const auto term = FindColourTerm(target.text);
  if (!term) return Skipped("no_colour_term");
  const cv::Rect box = PixelBox(*it, 1, image.size());
  cv::Mat mask = cv::Mat::zeros(box.size(), CV_8UC1);
  FillObject(mask, *it, box.tl());
  if (cv::countNonZero(mask) < options.min_pixels) return Skipped("object_too_small");
  const std::string before = NameRegion(image(box), mask, options.namer);
  std::vector<const NamedColour*> candidates;
  for (const NamedColour& c : Palette()) {
    if (c.name != term->colour && c.name != before) candidates.push_back(&c);
  }
  rng.Shuffle(candidates);
  EditOutcome out;
  for (const NamedColour* colour : candidates) {
    cv::Mat patch = image(box).clone();
    TransferColour(patch, mask, *colour, options.transfer);
    if (NameRegion(patch, mask, options.namer) != colour->name) continue;
    out.pixels = image.clone();
    patch.copyTo(out.pixels(box), mask);
    out.objects = objects;
    for (Object& o : out.objects) {
      if (o.id == it->id) o.attributes.colour = colour->name;
    }
    out.expression = target;
    out.expression.text = RewriteColour(target.text, *term, colour->name);
    out.params = {{"object_id", it->id},
                  {"term", target.text.substr(term->begin, term->length)},
                  {"read_before", before},
                  {"colour", colour->name},
                  {"expression_before", target.text}};
    return out;
  }
  return Skipped("colour_not_reached");
}

}  // namespace mgrs::augment
