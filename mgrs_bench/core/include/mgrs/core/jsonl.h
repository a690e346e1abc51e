// Streaming JSON Lines: one JSON value per line, read with line numbers in every error, written atomically.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "mgrs/core/diagnostic.h"
#include "mgrs/core/files.h"
#include "mgrs/core/status.h"

namespace mgrs {

// Reads a JSONL file one line at a time. Empty (or all-blank) lines are skipped; CRLF and a UTF-8 BOM are
// accepted. A bad line becomes a Diagnostic (codes: BAD_JSON, INVALID_UTF8, TOO_DEEP, TRUNCATED_LINE) and reading
// goes on. A line longer than `max_line_bytes` is a LINE_TOO_LONG diagnostic, read past without being kept.
class JsonlReader {
 public:
  enum class Outcome { kValue, kBadLine, kEnd };

  // No record of ours comes near this; a longer line is a file with no line ends or a runaway writer.
  static constexpr size_t kMaxLineBytes = size_t{64} << 20;

  static Result<JsonlReader> Open(const std::string& path, size_t max_line_bytes = kMaxLineBytes);

  // kValue: *value holds the next line's JSON. kBadLine: *bad describes the line. kEnd: no more lines, or a read
  // error (check status()).
  Outcome Next(nlohmann::json* value, Diagnostic* bad);
  int64_t line_number() const { return lines_.line_number(); }
  const Status& status() const { return lines_.status(); }
  const std::string& path() const { return lines_.path(); }

 private:
  JsonlReader(LineReader lines, size_t max_line_bytes) : lines_(std::move(lines)), max_line_bytes_(max_line_bytes) {}
  LineReader lines_;
  size_t max_line_bytes_;
  std::string line_;
};

// Arrays and objects nested deeper than this are refused before parsing (TOO_DEEP): copying, comparing and dumping
// a JSON value recurse once per level, so a line of 100,000 brackets would overflow the stack. No record of ours
// nests more than a handful of levels.
constexpr int kMaxJsonDepth = 256;

// Parses one line of JSON text; `path` and `line_number` only go into the diagnostic. Never throws: syntax errors,
// numbers out of the double range (`1e999`) and nesting past kMaxJsonDepth all become *bad.
Result<nlohmann::json> ParseJsonLine(const std::string& text, const std::string& path, int64_t line_number,
                                     Diagnostic* bad);

// The same for a whole JSON document (a .json file): the diagnostic names the line, within `text`, of the error.
Result<nlohmann::json> ParseJsonText(const std::string& text, const std::string& path, Diagnostic* bad);

// Writes one compact JSON value per line ("\n"-terminated, UTF-8), atomically on Commit().
class JsonlWriter {
 public:
  static Result<JsonlWriter> Create(const std::string& path);
  Status Write(const nlohmann::json& value);
  Status Write(const nlohmann::ordered_json& value);
  Status Commit();

 private:
  explicit JsonlWriter(std::unique_ptr<AtomicFileWriter> file) : file_(std::move(file)) {}
  std::unique_ptr<AtomicFileWriter> file_;
};

// Compact dump that replaces invalid UTF-8 instead of throwing.
std::string DumpJson(const nlohmann::json& value, int indent = -1);
std::string DumpJson(const nlohmann::ordered_json& value, int indent = -1);

}  // namespace mgrs
