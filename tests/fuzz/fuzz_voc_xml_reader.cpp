// libFuzzer harness: the VOC-style XML readers (DIOR, HRRSD, RSOD share ReadVocObjects) on arbitrary bytes.
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mgrs::fuzz::FuzzReader("dior", "Annotations/00001.xml", data, size);
  mgrs::fuzz::FuzzReader("hrrsd", "Annotations/00001.xml", data, size);
  return 0;
}
