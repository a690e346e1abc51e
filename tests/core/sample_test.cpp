// Sample and Prediction JSON: canonical lines round-trip byte for byte; each malformed field is named.
#include "mgrs/core/sample.h"

#include <fstream>

#include <gtest/gtest.h>

#include "mgrs/core/files.h"
#include "mgrs/core/jsonl.h"
#include "mgrs/core/sample_file.h"
#include "test_support.h"

namespace mgrs {
namespace {

TEST(SampleTest, EveryExampleLineReadsAndWritesBackIdentically) {
  auto lines = LineReader::Open(testing::FixtureFile("core/samples/examples.jsonl"));
  ASSERT_TRUE(lines.ok());
  std::string line;
  int tasks_seen = 0;
  while (lines->Next(&line)) {
    auto sample = SampleFromJson(nlohmann::json::parse(line));
    ASSERT_TRUE(sample.ok()) << sample.status().ToString() << "\n" << line;
    EXPECT_EQ(DumpJson(SampleToJson(*sample)), line);
    ++tasks_seen;
  }
  EXPECT_EQ(tasks_seen, 5);  // one per task
}

// The fast writer must give the bytes of the canonical one on everything a Sample can hold.
TEST(SampleTest, AppendSampleLineWritesTheCanonicalBytes) {
  auto lines = LineReader::Open(testing::FixtureFile("core/samples/examples.jsonl"));
  ASSERT_TRUE(lines.ok());
  std::vector<Sample> samples;
  std::string line;
  while (lines->Next(&line)) samples.push_back(*SampleFromJson(nlohmann::json::parse(line)));
  Sample odd = samples[2];  // grounding: fractions, negative zero, large and tiny values
  std::get<GroundingTruth>(odd.gt).boxes = {Box{0.1, -0.0, 1e15, 123.456789012345}, Box{1e-7, 2.5e20, -3, 0.3}};
  odd.conversations[0].value =
      "<image>\nquote \" backslash \\ tab\t cr\r nl\n bell\x07 del\x7f caf\xc3\xa9 \xe2\x82\xac";
  samples.push_back(odd);
  Sample invalid = samples[0];
  invalid.conversations[1].value = "broken \xff\xfe utf-8";
  samples.push_back(invalid);
  Sample extra = samples[1];
  extra.extra["source_id"] = 17;
  samples.push_back(extra);
  Sample bare;
  bare.id = "x";
  bare.task = Task::kCounting;
  bare.gt = CountingTruth{3, ""};
  samples.push_back(bare);
  for (const Sample& sample : samples) {
    std::string fast;
    AppendSampleLine(sample, &fast);
    EXPECT_EQ(fast, SampleToJson(sample).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  }
}

TEST(SampleTest, ExampleLinesAreTheOnesInTheDocs) {
  auto docs = ReadFile(std::string(MGRS_SOURCE_DIR) + "/docs/formats.md");
  ASSERT_TRUE(docs.ok());
  auto lines = LineReader::Open(testing::FixtureFile("core/samples/examples.jsonl"));
  ASSERT_TRUE(lines.ok());
  std::string line;
  while (lines->Next(&line)) EXPECT_NE(docs->find(line), std::string::npos) << line;
}

TEST(SampleTest, FieldsAreReadIntoTheirTypes) {
  auto sample = SampleFromJson(nlohmann::json::parse(
      R"({"id":7,"task":"grounding","image_size":[800,600],"gt":{"boxes":[[1,2,3,4]]},"note":"kept"})"));
  ASSERT_TRUE(sample.ok()) << sample.status().ToString();
  EXPECT_EQ(sample->id, "7");
  EXPECT_EQ(sample->task, Task::kGrounding);
  EXPECT_EQ((*sample->image_size)[1], 600);
  const auto& truth = std::get<GroundingTruth>(sample->gt);
  EXPECT_EQ(truth.boxes.at(0), (Box{1, 2, 3, 4}));
  EXPECT_EQ(sample->extra["note"], "kept");
  EXPECT_EQ(DumpJson(SampleToJson(*sample)),
            R"({"id":"7","task":"grounding","image_size":[800,600],"gt":{"boxes":[[1.0,2.0,3.0,4.0]]},"note":"kept"})");
}

TEST(SampleTest, QuestionAndReferenceAnswerComeFromTheConversation) {
  auto sample = SampleFromJson(nlohmann::json::parse(
      R"({"id":"a","task":"vqa","conversations":[{"from":"human","value":"<image>\nIs it a port?"},)"
      R"({"from":"gpt","value":"no"},{"from":"human","value":"And now?"},{"from":"gpt","value":"yes"}],)"
      R"("gt":{"answer":"yes"}})"));
  ASSERT_TRUE(sample.ok());
  EXPECT_EQ(sample->Question(), "Is it a port?");
  EXPECT_EQ(sample->ReferenceAnswer(), "yes");
}

TEST(SampleTest, EachMalformedFieldIsReportedByName) {
  auto lines = LineReader::Open(testing::FixtureFile("core/samples/malformed.tsv"));
  ASSERT_TRUE(lines.ok());
  std::string line;
  int cases = 0;
  while (lines->Next(&line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    auto sample = SampleFromJson(nlohmann::json::parse(line.substr(0, tab)));
    ASSERT_FALSE(sample.ok()) << line;
    EXPECT_EQ(sample.status().code(), StatusCode::kParseError);
    EXPECT_NE(sample.status().message().find(line.substr(tab + 1)), std::string::npos)
        << "got: " << sample.status().message() << "\nwant: " << line.substr(tab + 1);
    ++cases;
  }
  EXPECT_EQ(cases, 27);
}

TEST(SampleTest, AGroundTruthBoxPartlyOutsideTheImageIsKept) {
  // Objects cut by the image edge are common (DOTA tiles); only boxes wholly outside or far past it are refused.
  auto sample = SampleFromJson(nlohmann::json::parse(
      R"({"id":"a","task":"grounding","image_size":[200,100],"gt":{"boxes":[[190,90,230,120],[-20,-10,5,5]]}})"));
  ASSERT_TRUE(sample.ok()) << sample.status().ToString();
  EXPECT_EQ(std::get<GroundingTruth>(sample->gt).boxes.size(), 2u);
}

// ForEachSample hands over each Sample with its line, each bad line as a diagnostic, and stops at a callback's error.
TEST(SampleFileTest, SamplesAndBadLinesComeInFileOrderWithTheirLines) {
  auto lines = LineReader::Open(testing::FixtureFile("core/samples/examples.jsonl"));
  ASSERT_TRUE(lines.ok());
  std::string good;
  ASSERT_TRUE(lines->Next(&good));
  const std::string path = testing::ScratchDir("sample_file") + "/samples.jsonl";
  std::ofstream(path) << good << "\n{\"id\": \n"
                      << "{\"id\": \"x\", \"task\": \"poem\"}\n\n"
                      << good << "\n";
  std::vector<std::string> seen;
  auto on_sample = [&](Sample&& sample, int64_t line) {
    seen.push_back(std::to_string(line) + " " + sample.id);
    return Status::Ok();
  };
  auto on_bad = [&](const Diagnostic& bad) {
    seen.push_back(std::to_string(bad.line) + " " + bad.code);
    return Status::Ok();
  };
  ASSERT_TRUE(ForEachSample(path, on_sample, on_bad).ok());
  const std::string id = SampleFromJson(nlohmann::json::parse(good))->id;
  EXPECT_EQ(seen, (std::vector<std::string>{"1 " + id, "2 BAD_JSON", "3 BAD_SAMPLE", "5 " + id}));

  seen.clear();
  const Status stopped =
      ForEachSample(path, on_sample, [](const Diagnostic& bad) { return ParseError(bad.ToString()); });
  EXPECT_EQ(stopped.code(), StatusCode::kParseError);
  EXPECT_NE(stopped.message().find(path + ":2"), std::string::npos) << stopped.message();
  EXPECT_EQ(seen.size(), 1u);  // the sample after the bad line was not read
  const Status missing = ForEachSample(path + ".missing", on_sample, on_bad);
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find(path + ".missing"), std::string::npos) << missing.message();
}

TEST(PredictionTest, AcceptsTheKeyNamesOfPublishedEvaluationScripts) {
  for (const char* text : {R"({"id":"q1","answer":"yes"})", R"({"question_id":"q1","text":"yes"})",
                           R"({"image_id":"q1","caption":"yes"})", R"({"id":"q1","prediction":"yes"})"}) {
    auto p = PredictionFromJson(nlohmann::json::parse(text));
    ASSERT_TRUE(p.ok()) << text;
    EXPECT_EQ(p->id, "q1");
    EXPECT_EQ(p->answer, "yes");
  }
  auto numeric = PredictionFromJson(nlohmann::json::parse(R"({"image_id":391895,"caption":"a man"})"));
  ASSERT_TRUE(numeric.ok());
  EXPECT_EQ(numeric->id, "391895");
}

TEST(PredictionTest, RoundTripsAndKeepsOtherFields) {
  const std::string line = R"({"id":"q1","answer":"yes","model":"skymoe"})";
  auto p = PredictionFromJson(nlohmann::json::parse(line));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(DumpJson(PredictionToJson(*p)), line);
}

TEST(PredictionTest, MissingOrMistypedFieldsAreNamed) {
  EXPECT_NE(PredictionFromJson(nlohmann::json::parse(R"({"answer":"x"})")).status().message().find("id: missing"),
            std::string::npos);
  EXPECT_NE(PredictionFromJson(nlohmann::json::parse(R"({"id":"a"})")).status().message().find("answer: missing"),
            std::string::npos);
  EXPECT_NE(PredictionFromJson(nlohmann::json::parse(R"({"id":"a","answer":3})"))
                .status()
                .message()
                .find("answer: expected a string"),
            std::string::npos);
  EXPECT_NE(PredictionFromJson(nlohmann::json::parse(R"({"id":1.5,"answer":"x"})")).status().message().find("id:"),
            std::string::npos);
}

}  // namespace
}  // namespace mgrs
