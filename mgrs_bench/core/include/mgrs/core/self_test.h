// A quick check, run by `mgrs self-check`, that the core behaves as its tests say on this machine.
#pragma once

#include <string>

#include "mgrs/core/status.h"

namespace mgrs {

// Checks IoU against two published values, a Sample JSON round trip and an atomic write in `scratch_dir`.
Status CoreSelfTest(const std::string& scratch_dir);

}  // namespace mgrs
