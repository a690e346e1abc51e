// libFuzzer harness: the coco reader (COCO detection JSON) on arbitrary bytes.
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mgrs::fuzz::FuzzReader("coco", "annotations/instances_val.json", data, size);
  return 0;
}
