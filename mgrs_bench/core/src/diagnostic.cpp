// Formatting of diagnostics.
#include "mgrs/core/diagnostic.h"

#include "mgrs/core/text.h"

namespace mgrs {

std::string Diagnostic::ToString() const {
  std::string out = path;
  if (line > 0) out += ":" + std::to_string(line);
  out += severity == Severity::kError ? ": error[" : ": warning[";
  out += code + "]: " + message;
  return out;
}

Diagnostic MakeDiagnostic(std::string path, int64_t line, std::string code, std::string message, std::string raw,
                          Severity severity) {
  if (raw.size() > Diagnostic::kMaxRawBytes) raw.resize(Utf8SafePrefix(raw, Diagnostic::kMaxRawBytes));
  return Diagnostic{std::move(path), line, std::move(code), std::move(message), std::move(raw), severity};
}

}  // namespace mgrs
