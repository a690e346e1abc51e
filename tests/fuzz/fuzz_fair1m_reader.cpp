// libFuzzer harness: the fair1m reader (FAIR1M XML) on arbitrary bytes.
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mgrs::fuzz::FuzzReader("fair1m", "train/labelXml/1.xml", data, size);
  return 0;
}
