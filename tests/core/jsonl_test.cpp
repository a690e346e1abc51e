// The JSONL reader on one fixture per error and quirk.
#include "mgrs/core/jsonl.h"

#include <gtest/gtest.h>

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
