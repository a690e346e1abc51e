// The trivial baselines of the pipeline's report.
#include "mgrs/pipeline/baselines.h"

#include <algorithm>
#include <vector>

#include "mgrs/core/jsonl.h"
#include "mgrs/core/sample_file.h"

namespace mgrs::pipeline {
namespace {

// Our own files: a bad line is an error, not a reject.
Result<std::vector<Sample>> ReadSamples(const std::string& path) {
  std::vector<Sample> samples;
  MGRS_RETURN_IF_ERROR(ForEachSample(
      path,
      [&](Sample&& sample, int64_t) {
        samples.push_back(std::move(sample));
        return Status::Ok();
      },
      [](const Diagnostic& bad) { return ParseError(bad.ToString()); }));
  return samples;
}

// The most frequent value; ties go to the smallest, so the answer does not depend on the file's order.
class Tally {
 public:
  void Add(const std::string& value) { ++counts_[value]; }
  std::string Top() const {
    const auto top = std::max_element(counts_.begin(), counts_.end(),
                                      [](const auto& a, const auto& b) { return a.second < b.second; });
    return top == counts_.end() ? "" : top->first;
  }

 private:
  std::map<std::string, int64_t> counts_;
};

struct Rules {
  std::map<Task, Tally> answers;         // classification, caption: the reference answers
  Tally counts;                          // counting: the true counts
  std::map<std::string, Tally> vqa;      // VQA: the answers per question type ("" = all)
  double width_sum = 0, height_sum = 0;  // grounding: the first target's size over the image's
  int64_t boxes = 0;
};

void Learn(const Sample& sample, Rules* rules) {
  if (const auto* vqa = std::get_if<VqaTruth>(&sample.gt)) {
    rules->vqa[vqa->type].Add(sample.ReferenceAnswer());
    rules->vqa[""].Add(sample.ReferenceAnswer());
  } else if (const auto* counting = std::get_if<CountingTruth>(&sample.gt)) {
    rules->counts.Add(std::to_string(counting->count));
  } else if (const auto* grounding = std::get_if<GroundingTruth>(&sample.gt)) {
    if (grounding->boxes.empty() || !sample.image_size) return;
    rules->width_sum += grounding->boxes[0].width() / (*sample.image_size)[0];
    rules->height_sum += grounding->boxes[0].height() / (*sample.image_size)[1];
    ++rules->boxes;
  } else {
    rules->answers[sample.task].Add(sample.ReferenceAnswer());
  }
}

std::string Answer(const Sample& sample, const Rules& rules, instruct::BoxFormat format) {
  switch (sample.task) {
    case Task::kVqa: {
      const auto& type = std::get<VqaTruth>(sample.gt).type;
      return rules.vqa.count(type) ? rules.vqa.at(type).Top() : rules.vqa.count("") ? rules.vqa.at("").Top() : "";
    }
    case Task::kCounting: return rules.counts.Top();
    case Task::kGrounding: {
      const int width = sample.image_size ? (*sample.image_size)[0] : 1000;
      const int height = sample.image_size ? (*sample.image_size)[1] : 1000;
      const double w = rules.boxes ? rules.width_sum / rules.boxes * width : width / 4.0;
      const double h = rules.boxes ? rules.height_sum / rules.boxes * height : height / 4.0;
      const Box centred{(width - w) / 2, (height - h) / 2, (width + w) / 2, (height + h) / 2};
      return instruct::FormatBox(centred, std::nullopt, width, height, format).text;
    }
    default: return rules.answers.count(sample.task) ? rules.answers.at(sample.task).Top() : "";
  }
}

}  // namespace

Result<std::map<std::string, std::string>> WriteBaselinePredictions(const std::string& train_path,
                                                                    const std::string& test_path,
                                                                    instruct::BoxFormat box_format,
                                                                    const std::string& out_path) {
  auto train = ReadSamples(train_path);
  if (!train.ok()) return train.status();
  auto test = ReadSamples(test_path);
  if (!test.ok()) return test.status();
  Rules rules;
  for (const auto& sample : *train) Learn(sample, &rules);

  auto writer = JsonlWriter::Create(out_path);
  if (!writer.ok()) return writer.status();
  std::map<std::string, std::string> used;
  for (const auto& sample : *test) {
    const std::string answer = Answer(sample, rules, box_format);
    MGRS_RETURN_IF_ERROR(writer->Write(nlohmann::ordered_json{{"id", sample.id}, {"answer", answer}}));
    const char* rule = sample.task == Task::kClassification ? "majority class"
                       : sample.task == Task::kCounting     ? "most frequent count"
                       : sample.task == Task::kCaption      ? "most frequent caption"
                       : sample.task == Task::kGrounding    ? "mean-size box in the centre"
                                                            : "most frequent answer of the question's type";
    used.emplace(TaskName(sample.task), std::string(rule) + (sample.task == Task::kVqa ? "" : ": " + answer));
  }
  MGRS_RETURN_IF_ERROR(writer->Commit());
  return used;
}

}  // namespace mgrs::pipeline
