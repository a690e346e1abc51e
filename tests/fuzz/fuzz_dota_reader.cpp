// libFuzzer harness: the dota reader (DOTA label files (labelTxt)) on arbitrary bytes.
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mgrs::fuzz::FuzzReader("dota", "train/labelTxt/P0001.txt", data, size);
  return 0;
}
