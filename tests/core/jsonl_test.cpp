// The JSONL reader on one fixture per error and quirk.
#include "mgrs/core/jsonl.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_support.h"

namespace mgrs {
namespace {

struct ReadAll {
  std::vector<std::pair<int64_t, nlohmann::json>> values;
  std::vector<Diagnostic> bad;
};

ReadAll Read(const std::string& fixture) {
  ReadAll out;
  auto reader = JsonlReader::Open(testing::FixtureFile("core/jsonl/" + fixture));
  EXPECT_TRUE(reader.ok());
  nlohmann::json value;
  Diagnostic bad;
  while (true) {
    const auto outcome = reader->Next(&value, &bad);
    if (outcome == JsonlReader::Outcome::kEnd) break;
    if (outcome == JsonlReader::Outcome::kValue) out.values.emplace_back(reader->line_number(), value);
    if (outcome == JsonlReader::Outcome::kBadLine) out.bad.push_back(bad);
  }
  EXPECT_TRUE(reader->status().ok());
  return out;
}

TEST(JsonlReaderTest, BadJsonIsReportedAtItsLineAndReadingGoesOn) {
  const auto r = Read("bad_json_line3.jsonl");
  ASSERT_EQ(r.bad.size(), 1u);
  EXPECT_EQ(r.bad[0].line, 3);
  EXPECT_EQ(r.bad[0].code, "BAD_JSON");
  EXPECT_EQ(r.bad[0].raw, R"({"id":"c", "answer": )");
  EXPECT_NE(r.bad[0].ToString().find("bad_json_line3.jsonl:3: error[BAD_JSON]: parse error"), std::string::npos);
  ASSERT_EQ(r.values.size(), 3u);
  EXPECT_EQ(r.values[2].first, 4);
  EXPECT_EQ(r.values[2].second["id"], "d");
}

TEST(JsonlReaderTest, ALineLongerThanTheLimitIsReportedAndReadPast) {
  const std::string path = testing::ScratchDir("jsonl-long") + "/long_line2.jsonl";
  std::ofstream(path) << "{\"id\": \"a\"}\n{\"id\": \"" << std::string(3 << 20, 'x') << "\"}\n{\"id\": \"c\"}\n";
  auto reader = JsonlReader::Open(path, 1 << 20);
  ASSERT_TRUE(reader.ok());
  nlohmann::json value;
  Diagnostic bad;
  ASSERT_EQ(reader->Next(&value, &bad), JsonlReader::Outcome::kValue);
  EXPECT_EQ(value["id"], "a");
  ASSERT_EQ(reader->Next(&value, &bad), JsonlReader::Outcome::kBadLine);
  EXPECT_EQ(bad.line, 2);
  EXPECT_EQ(bad.code, "LINE_TOO_LONG");
  EXPECT_NE(bad.ToString().find("long_line2.jsonl:2: error[LINE_TOO_LONG]"), std::string::npos) << bad.ToString();
  ASSERT_EQ(reader->Next(&value, &bad), JsonlReader::Outcome::kValue);
  EXPECT_EQ(value["id"], "c");
  EXPECT_EQ(reader->line_number(), 3);
  EXPECT_EQ(reader->Next(&value, &bad), JsonlReader::Outcome::kEnd);
}

TEST(JsonlReaderTest, ByteOrderMarkAndCrlfAreAccepted) {
  const auto r = Read("bom_crlf.jsonl");
  EXPECT_TRUE(r.bad.empty());
  ASSERT_EQ(r.values.size(), 2u);
  EXPECT_EQ(r.values[0].second["id"], "a");
  EXPECT_EQ(r.values[1].second["answer"], "y");
}

TEST(JsonlReaderTest, EmptyLinesAreSkippedButCounted) {
  const auto r = Read("empty_lines.jsonl");
  EXPECT_TRUE(r.bad.empty());
  ASSERT_EQ(r.values.size(), 2u);
  EXPECT_EQ(r.values[0].first, 2);
  EXPECT_EQ(r.values[1].first, 5);
}

TEST(JsonlReaderTest, TruncatedLastLineHasItsOwnCode) {
  const auto r = Read("truncated_last_line.jsonl");
  ASSERT_EQ(r.values.size(), 1u);
  ASSERT_EQ(r.bad.size(), 1u);
  EXPECT_EQ(r.bad[0].code, "TRUNCATED_LINE");
  EXPECT_EQ(r.bad[0].line, 2);
}

TEST(JsonlReaderTest, LastLineWithoutNewlineIsFineWhenComplete) {
  const auto r = Read("no_final_newline.jsonl");
  EXPECT_TRUE(r.bad.empty());
  EXPECT_EQ(r.values.size(), 1u);
}

TEST(JsonlReaderTest, InvalidUtf8IsReportedNotCrashedOn) {
  const auto r = Read("invalid_utf8.jsonl");
  ASSERT_EQ(r.bad.size(), 1u);
  EXPECT_EQ(r.bad[0].code, "INVALID_UTF8");
  EXPECT_EQ(r.bad[0].line, 2);
  EXPECT_NE(r.bad[0].message.find("byte 24"), std::string::npos) << r.bad[0].message;
  EXPECT_EQ(r.values.size(), 2u);
}

TEST(JsonlReaderTest, EmptyFileHasNoRecords) {
  const auto r = Read("empty.jsonl");
  EXPECT_TRUE(r.values.empty());
  EXPECT_TRUE(r.bad.empty());
}

TEST(JsonlReaderTest, MissingFileIsAnIoErrorNamingIt) {
  auto reader = JsonlReader::Open("/nonexistent/x.jsonl");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kIoError);
  EXPECT_NE(reader.status().message().find("/nonexistent/x.jsonl"), std::string::npos);
}

TEST(JsonlReaderTest, VeryLongLinesAreRead) {
  const std::string dir = testing::ScratchDir("jsonl-long");
  const std::string path = dir + "/long.jsonl";
  const std::string answer(5'000'000, 'x');  // longer than the reader's 1 MiB buffer
  auto writer = JsonlWriter::Create(path);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->Write(nlohmann::json{{"id", "a"}, {"answer", answer}}).ok());
  ASSERT_TRUE(writer->Write(nlohmann::json{{"id", "b"}, {"answer", "short"}}).ok());
  ASSERT_TRUE(writer->Commit().ok());
  auto reader = JsonlReader::Open(path);
  ASSERT_TRUE(reader.ok());
  nlohmann::json value;
  Diagnostic bad;
  ASSERT_EQ(reader->Next(&value, &bad), JsonlReader::Outcome::kValue);
  EXPECT_EQ(value["answer"].get<std::string>().size(), answer.size());
  ASSERT_EQ(reader->Next(&value, &bad), JsonlReader::Outcome::kValue);
  EXPECT_EQ(value["id"], "b");
  EXPECT_EQ(reader->Next(&value, &bad), JsonlReader::Outcome::kEnd);
}

TEST(JsonlReaderTest, NestingPastTheLimitIsRefusedAtItsLine) {
  // 257 levels: one past kMaxJsonDepth. (100,000 levels crashed mgrs-score before the limit, issue 17.)
  const auto r = Read("too_deep_line2.jsonl");
  ASSERT_EQ(r.bad.size(), 1u);
  EXPECT_EQ(r.bad[0].line, 2);
  EXPECT_EQ(r.bad[0].code, "TOO_DEEP");
  ASSERT_EQ(r.values.size(), 2u);
  EXPECT_EQ(r.values[1].second["id"], "c");
}

TEST(JsonlReaderTest, NestingAtTheLimitIsAccepted) {
  const std::string deep = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  Diagnostic bad;
  EXPECT_TRUE(ParseJsonLine(deep, "x.jsonl", 1, &bad).ok()) << bad.ToString();
  // Brackets inside strings are text, not nesting.
  const std::string in_string = "{\"a\": \"" + std::string(1000, '[') + "\\\"\"}";
  auto parsed = ParseJsonLine(in_string, "x.jsonl", 1, &bad);
  ASSERT_TRUE(parsed.ok()) << bad.ToString();
  EXPECT_EQ((*parsed)["a"].get<std::string>().size(), 1001u);
}

TEST(JsonlReaderTest, NumberOverflowIsABadLineNotAnAbort) {
  // nlohmann-json reports 1e999 as out_of_range, which escaped the parse_error handler and aborted mgrs-score.
  const auto r = Read("number_overflow_line2.jsonl");
  ASSERT_EQ(r.bad.size(), 1u);
  EXPECT_EQ(r.bad[0].line, 2);
  EXPECT_EQ(r.bad[0].code, "BAD_JSON");
  EXPECT_NE(r.bad[0].message.find("number overflow parsing '1e999'"), std::string::npos) << r.bad[0].message;
  EXPECT_EQ(r.values.size(), 2u);
}

TEST(JsonTextTest, NumberOverflowNamesItsLineInTheFile) {
  auto text = ReadFile(testing::FixtureFile("core/json/number_overflow_line3.json"));
  ASSERT_TRUE(text.ok());
  Diagnostic bad;
  auto parsed = ParseJsonText(*text, "f.json", &bad);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(bad.line, 3);
  EXPECT_NE(parsed.status().message().find("f.json:3: error[BAD_JSON]: number overflow"), std::string::npos)
      << parsed.status().ToString();
}

TEST(JsonTextTest, NestingPastTheLimitNamesItsLineInTheFile) {
  auto text = ReadFile(testing::FixtureFile("core/json/too_deep_line2.json"));
  ASSERT_TRUE(text.ok());
  Diagnostic bad;
  auto parsed = ParseJsonText(*text, "f.json", &bad);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(bad.code, "TOO_DEEP");
  EXPECT_EQ(bad.line, 2);
}

TEST(JsonTextTest, SyntaxErrorNamesItsLineInTheFile) {
  Diagnostic bad;
  auto parsed = ParseJsonText("{\n  \"a\": 1,\n  \"b\" 2\n}\n", "f.json", &bad);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(bad.code, "BAD_JSON");
  EXPECT_EQ(bad.line, 3);
}

TEST(DiagnosticTest, FormatsPathLineCodeAndMessage) {
  EXPECT_EQ(MakeDiagnostic("a/b.txt", 12, "UNKNOWN_CLASS", "class 'x' is not in the manifest").ToString(),
            "a/b.txt:12: error[UNKNOWN_CLASS]: class 'x' is not in the manifest");
  EXPECT_EQ(MakeDiagnostic("a.xml", 0, "MISSING_IMAGE", "no image", "", Severity::kWarning).ToString(),
            "a.xml: warning[MISSING_IMAGE]: no image");
  const Diagnostic long_raw = MakeDiagnostic("a", 1, "X", "m", std::string(10000, 'y'));
  EXPECT_EQ(long_raw.raw.size(), Diagnostic::kMaxRawBytes);
}

}  // namespace
}  // namespace mgrs
