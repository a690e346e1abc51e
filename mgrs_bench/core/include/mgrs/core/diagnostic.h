// A diagnostic about one bad input record: where it is, a stable code, a message and the raw text.
#pragma once

#include <cstdint>
#include <string>

namespace mgrs {

enum class Severity { kWarning, kError };

struct Diagnostic {
  std::string path;     // the file the record came from
  int64_t line = 0;     // 1-based line (or record number for formats without lines); 0 = the whole file
  std::string code;     // stable upper-case code, e.g. "BAD_JSON", "UNKNOWN_CLASS", "MISSING_IMAGE"
  std::string message;  // one sentence for a person
  std::string raw;      // the offending text, truncated to kMaxRawBytes
  Severity severity = Severity::kError;

  static constexpr size_t kMaxRawBytes = 4096;

  // "path:line: error[CODE]: message" (":line" is left out when line is 0).
  std::string ToString() const;
};

Diagnostic MakeDiagnostic(std::string path, int64_t line, std::string code, std::string message, std::string raw = {},
                          Severity severity = Severity::kError);

}  // namespace mgrs
