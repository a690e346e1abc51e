// JSON Lines reading and writing.
#include "mgrs/core/jsonl.h"

#include "mgrs/core/text.h"

namespace mgrs {

Result<JsonlReader> JsonlReader::Open(const std::string& path, size_t max_line_bytes) {
  auto lines = LineReader::Open(path, max_line_bytes);
  if (!lines.ok()) return lines.status();
  return JsonlReader(std::move(lines).value(), max_line_bytes);
}

namespace {

// Byte offset of the bracket that opens level kMaxJsonDepth + 1, or npos. Brackets inside strings do not count.
size_t FindTooDeep(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string::npos;
}

int64_t NewlinesBefore(std::string_view text, size_t byte) {
  int64_t count = 0;
  for (size_t i = 0; i < byte && i < text.size(); ++i) count += text[i] == '\n';
  return count;
}

// nlohmann's DOM builder, except that a parse error (a syntax error, or an out_of_range for `1e999`) is recorded
// with its byte position instead of thrown: with exceptions on, an out_of_range escapes a parse_error handler, and
// with them off the position is lost.
class RecordingSax {
 public:
  using json = nlohmann::json;
  explicit RecordingSax(json* result) : dom_(*result, /*allow_exceptions_=*/false) {}

  bool null() { return dom_.null(); }
  bool boolean(bool value) { return dom_.boolean(value); }
  bool number_integer(json::number_integer_t value) { return dom_.number_integer(value); }
  bool number_unsigned(json::number_unsigned_t value) { return dom_.number_unsigned(value); }
  bool number_float(json::number_float_t value, const json::string_t& text) { return dom_.number_float(value, text); }
  bool string(json::string_t& value) { return dom_.string(value); }
  bool binary(json::binary_t& value) { return dom_.binary(value); }
  bool start_object(std::size_t size) { return dom_.start_object(size); }
  bool key(json::string_t& value) { return dom_.key(value); }
  bool end_object() { return dom_.end_object(); }
  bool start_array(std::size_t size) { return dom_.start_array(size); }
  bool end_array() { return dom_.end_array(); }
  bool parse_error(std::size_t position, const std::string& /*last_token*/, const nlohmann::detail::exception& e) {
    error_position_ = position;
    error_ = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 3: ..." -> "parse error at ...".
    if (const size_t bracket = error_.find("] "); bracket != std::string::npos) error_.erase(0, bracket + 2);
    return false;
  }

  const std::string& error() const { return error_; }
  size_t error_position() const { return error_position_; }

 private:
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::string error_;
  size_t error_position_ = 0;
};

// Parses `text`, whose first line is line `first_line` of `path`.
Result<nlohmann::json> ParseJson(std::string_view text, const std::string& path, int64_t first_line, bool one_line,
                                 Diagnostic* bad) {
  const auto fail = [&](size_t byte, const char* code, const std::string& message) -> Status {
    *bad = MakeDiagnostic(path, first_line + NewlinesBefore(text, byte), code, message,
                          one_line ? std::string(text) : std::string());
    return ParseError(bad->ToString());
  };
  if (const size_t invalid = FindInvalidUtf8(text); invalid != std::string::npos) {
    return fail(invalid, "INVALID_UTF8",
                "invalid UTF-8 at byte " + std::to_string(invalid + 1) + (one_line ? " of the line" : " of the file"));
  }
  if (const size_t deep = FindTooDeep(text); deep != std::string::npos) {
    return fail(deep, "TOO_DEEP",
                "arrays and objects nested more than " + std::to_string(kMaxJsonDepth) + " levels deep");
  }
  nlohmann::json value;
  RecordingSax sax(&value);
  bool parsed = false;
  try {
    parsed = nlohmann::json::sax_parse(text, &sax);
  } catch (const nlohmann::json::exception& e) {
    return fail(0, "BAD_JSON", e.what());  // not expected: every parser error goes through parse_error
  }
  if (!parsed) {
    const size_t at = sax.error_position() > 0 ? sax.error_position() - 1 : 0;
    return fail(at, "BAD_JSON", sax.error().empty() ? std::string("malformed JSON") : sax.error());
  }
  return value;
}

}  // namespace

Result<nlohmann::json> ParseJsonLine(const std::string& text, const std::string& path, int64_t line_number,
                                     Diagnostic* bad) {
  return ParseJson(text, path, line_number, /*one_line=*/true, bad);
}

Result<nlohmann::json> ParseJsonText(const std::string& text, const std::string& path, Diagnostic* bad) {
  return ParseJson(text, path, 1, /*one_line=*/false, bad);
}

JsonlReader::Outcome JsonlReader::Next(nlohmann::json* value, Diagnostic* bad) {
  while (lines_.Next(&line_)) {
    if (lines_.last_line_too_long()) {
      *bad = MakeDiagnostic(lines_.path(), lines_.line_number(), "LINE_TOO_LONG",
                            "the line is longer than " + std::to_string(max_line_bytes_) + " bytes; it was skipped");
      return Outcome::kBadLine;
    }
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
