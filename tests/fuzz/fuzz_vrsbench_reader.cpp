// libFuzzer harness: the vrsbench reader (VRSBench's referring eval JSON) on arbitrary bytes.
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mgrs::fuzz::FuzzReader("vrsbench", "VRSBench_EVAL_referring.json", data, size);
  return 0;
}
