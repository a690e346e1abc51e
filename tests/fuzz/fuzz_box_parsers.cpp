// libFuzzer harness: every box syntax of the grounding scorer, the coordinate scales, and the counting parser on
// arbitrary answers.
#include <string_view>

#include "mgrs/metrics/answers.h"
#include "mgrs/metrics/boxes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mgrs::metrics;
  const std::string_view answer(reinterpret_cast<const char*>(data), size);
  for (const BoxSyntax syntax : {BoxSyntax::kAuto, BoxSyntax::kGeoChat, BoxSyntax::kQwen, BoxSyntax::kEarthDial,
                                 BoxSyntax::kList, BoxSyntax::kFirstFourInts, BoxSyntax::kMiniGpt}) {
    const ParsedAnswer parsed = ParseAnswerBoxes(answer, syntax);
    for (const AnswerBox& box : parsed.boxes) {
      for (const CoordScale scale : {CoordScale::kAuto, CoordScale::k100, CoordScale::k999, CoordScale::k1000,
                                     CoordScale::kUnit, CoordScale::kPixel}) {
        (void)ScaleExtent(scale, parsed.syntax, box);
      }
    }
  }
  (void)FirstInteger(answer);
  return 0;
}
