// JSON Lines reading and writing.
#include "mgrs/core/jsonl.h"

#include "mgrs/core/text.h"

namespace mgrs {

Result<JsonlReader> JsonlReader::Open(const std::string& path) {
  auto lines = LineReader::Open(path);
  if (!lines.ok()) return lines.status();
  return JsonlReader(std::move(lines).value());
}

Result<nlohmann::json> ParseJsonLine(const std::string& text, const std::string& path, int64_t line_number,
                                     Diagnostic* bad) {
  const size_t invalid = FindInvalidUtf8(text);
  if (invalid != std::string::npos) {
    *bad = MakeDiagnostic(path, line_number, "INVALID_UTF8",
                          "invalid UTF-8 at byte " + std::to_string(invalid + 1) + " of the line", text);
    return ParseError(bad->ToString());
  }
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    // Parse again with exceptions only to obtain the parser's description of the error position.
    std::string what = "malformed JSON";
    try {
      const nlohmann::json ignored = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      what = e.what();
      const auto colon = what.find("parse error");
      if (colon != std::string::npos) what = what.substr(colon);
    }
    *bad = MakeDiagnostic(path, line_number, "BAD_JSON", what, text);
    return ParseError(bad->ToString());
  }
  return value;
}

JsonlReader::Outcome JsonlReader::Next(nlohmann::json* value, Diagnostic* bad) {
  while (lines_.Next(&line_)) {
    if (TrimAscii(line_).empty()) continue;
    auto parsed = ParseJsonLine(line_, lines_.path(), lines_.line_number(), bad);
    if (parsed.ok()) {
      *value = std::move(parsed).value();
      return Outcome::kValue;
    }
    if (lines_.last_line_unterminated() && bad->code == "BAD_JSON") {
      bad->code = "TRUNCATED_LINE";
      bad->message = "the last line is incomplete (no line end and not valid JSON): " + bad->message;
    }
    return Outcome::kBadLine;
  }
  return Outcome::kEnd;
}

std::string DumpJson(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string DumpJson(const nlohmann::ordered_json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Result<JsonlWriter> JsonlWriter::Create(const std::string& path) {
  auto file = AtomicFileWriter::Create(path);
  if (!file.ok()) return file.status();
  return JsonlWriter(std::move(file).value());
}

Status JsonlWriter::Write(const nlohmann::json& value) { return file_->Append(DumpJson(value) + "\n"); }
Status JsonlWriter::Write(const nlohmann::ordered_json& value) { return file_->Append(DumpJson(value) + "\n"); }
Status JsonlWriter::Commit() { return file_->Commit(); }

}  // namespace mgrs
