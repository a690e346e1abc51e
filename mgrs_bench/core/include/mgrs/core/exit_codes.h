// Process exit codes shared by every tool (DESIGN.md section 5).
#pragma once

namespace mgrs {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,         // system error: I/O, corrupt database, out of memory
  kExitUsage = 2,           // bad command line
  kExitTooManyRejects = 3,  // more bad records than --max-rejects allows
};

}  // namespace mgrs
