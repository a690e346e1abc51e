// libFuzzer harness: the review server's decision requests (POST /api/decide bodies) on arbitrary bytes. An accepted
// body must have come from a JSON object (else it traps).
#include <cstddef>
#include <cstdint>
#include <string>

#include "mgrs/bench/review.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  auto decision = mgrs::bench::ParseDecisionRequest(body);
  if (decision.ok() && body.find('{') == std::string::npos) __builtin_trap();
  return 0;
}
