// libFuzzer harness: the PTB tokenizer of the caption metrics and the COCO tokenizer built on it.
#include <string>
#include <string_view>

#include "mgrs/metrics/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string out;
  mgrs::metrics::PtbTokenize(text, &out);
  mgrs::metrics::CocoTokenize(text, &out);
  return 0;
}
