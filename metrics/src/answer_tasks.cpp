// The short-answer tasks: VQA, scene classification and object counting, each with the rule its conventions
// name, overall and per type / dataset / granularity.
#include <cmath>
#include <map>

#include "mgrs/core/text.h"
#include "tasks.h"

namespace mgrs::metrics::internal {
namespace {

using nlohmann::ordered_json;

std::vector<size_t> AllIndices(size_t n) {
  std::vector<size_t> all(n);
  for (size_t i = 0; i < n; ++i) all[i] = i;
  return all;
}

double Mean(const std::vector<double>& values, const std::vector<size_t>& indices) {
  if (indices.empty()) return 0.0;
  double sum = 0;
  for (size_t i : indices) sum += values[i];
  return sum / static_cast<double>(indices.size());
}

std::vector<std::string> EmptyAnswers(const TaskSamples& input) {
  std::vector<std::string> ids;
  for (const Prediction* p : input.predictions) {
    if (p && TrimAscii(p->answer).empty()) ids.push_back(p->id);
  }
  return ids;
}

std::string Lower(const std::string& s) { return ToLowerAscii(TrimAscii(s)); }

std::vector<std::string> SplitLabels(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (true) {
    const size_t j = s.find(',', i);
    const std::string label = Lower(s.substr(i, j == std::string::npos ? std::string::npos : j - i));
    if (!label.empty()) out.push_back(label);
    if (j == std::string::npos) break;
    i = j + 1;
  }
  return out;
}

}  // namespace

void AddBreakdowns(const TaskSamples& input, const std::function<ordered_json(const std::vector<size_t>&)>& summarise,
                   ordered_json* summary) {
  for (bool by_dataset : {true, false}) {
    const auto groups = GroupBy(input, by_dataset);
    if (groups.empty()) continue;
    ordered_json breakdown = ordered_json::object();
    for (const auto& [label, indices] : groups) {
      breakdown[label] = {{"n", indices.size()}, {"metrics", summarise(indices)}};
    }
    (*summary)[by_dataset ? "by_dataset" : "by_granularity"] = std::move(breakdown);
  }
}

TaskOutcome ScoreVqaTask(const TaskSamples& input, const Conventions& c) {
  const size_t n = input.samples.size();
  std::vector<double> scores(n, 0.0);
  TaskOutcome out;
  out.per_sample.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const VqaTruth& truth = std::get<VqaTruth>(input.samples[i]->gt);
    const Prediction* p = input.predictions[i];
    // A missing prediction is wrong under every rule (LHRS-Bot's rule would give an empty answer 1).
    scores[i] = p ? VqaAnswerScore(p->answer, truth.answer, c.vqa) : 0.0;
    out.per_sample[i] = {{"metrics", {{"accuracy", scores[i]}}}};
    if (!truth.type.empty()) out.per_sample[i]["type"] = truth.type;
  }
  const auto summarise = [&](const std::vector<size_t>& indices) {
    return ordered_json{{"accuracy", Mean(scores, indices)}};
  };
  out.summary["n"] = n;
  out.summary["metrics"] = summarise(AllIndices(n));
  std::vector<std::pair<std::string, std::vector<size_t>>> types;
  for (size_t i = 0; i < n; ++i) {
    const std::string& type = std::get<VqaTruth>(input.samples[i]->gt).type;
    if (type.empty()) continue;
    auto it = std::find_if(types.begin(), types.end(), [&](const auto& t) { return t.first == type; });
    if (it == types.end()) it = types.insert(types.end(), {type, {}});
    it->second.push_back(i);
  }
  if (!types.empty()) {
    ordered_json by_type = ordered_json::object();
    for (const auto& [type, indices] : types) by_type[type] = {{"n", indices.size()}, {"metrics", summarise(indices)}};
    out.summary["by_type"] = by_type;
  }
  AddBreakdowns(input, summarise, &out.summary);
  out.summary["empty_answer_ids"] = EmptyAnswers(input);
  out.settings["vqa"] = VqaModeName(c.vqa);
  return out;
}

TaskOutcome ScoreClassificationTask(const TaskSamples& input, const Conventions& c) {
  const size_t n = input.samples.size();
  // The candidate classes: the samples' own lists (first seen order), else every label of the ground truth.
  std::vector<std::string> classes;
  const auto add_class = [&](const std::string& label) {
    if (std::find(classes.begin(), classes.end(), label) == classes.end()) classes.push_back(label);
  };
  for (const Sample* s : input.samples) {
    for (const std::string& k : std::get<ClassificationTruth>(s->gt).classes) add_class(k);
  }
  for (const Sample* s : input.samples) add_class(std::get<ClassificationTruth>(s->gt).label);
  const auto key = [&](const std::string& label) {
    return c.classification == ClassificationMode::kExact ? NormaliseClassName(label) : Lower(label);
  };

  std::vector<double> scores(n, 0.0);
  std::vector<std::string> predicted(n), truth_key(n);
  int64_t tp = 0, fp = 0, fn = 0;
  bool multi_label = false;
  TaskOutcome out;
  out.per_sample.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const std::string& label = std::get<ClassificationTruth>(input.samples[i]->gt).label;
    const Prediction* p = input.predictions[i];
    const std::string answer = p ? p->answer : std::string();
    truth_key[i] = key(label);
    predicted[i] = "(missing)";
    if (!p) {
      if (c.classification == ClassificationMode::kLowercase && label.find(',') != std::string::npos) {
        multi_label = true;
        fn += static_cast<int64_t>(SplitLabels(label).size());
      }
      out.per_sample[i] = {{"metrics", {{"accuracy", 0.0}}}, {"predicted_class", predicted[i]}};
      continue;
    }
    switch (c.classification) {
      case ClassificationMode::kExact:
        predicted[i] = NormaliseClassName(answer);
        scores[i] = predicted[i] == truth_key[i];
        break;
      case ClassificationMode::kLowercase:
        if (label.find(',') != std::string::npos) {
          // SkySenseGPT's multi-label rule: comma-separated classes, TP / FP / FN.
          multi_label = true;
          const auto want = SplitLabels(label), got = SplitLabels(answer);
          int64_t hit = 0;
          for (const auto& g : got) hit += std::find(want.begin(), want.end(), g) != want.end();
          tp += hit;
          fp += static_cast<int64_t>(got.size()) - hit;
          fn += static_cast<int64_t>(want.size()) - hit;
          predicted[i] = Lower(answer);
          scores[i] = (hit == static_cast<int64_t>(want.size()) && got.size() == want.size()) ? 1.0 : 0.0;
        } else {
          predicted[i] = Lower(answer);
          scores[i] = predicted[i] == truth_key[i];
        }
        break;
      case ClassificationMode::kNoSpace: {
        std::string a, b;
        for (char ch : Lower(answer)) {
          if (ch != ' ' && ch != '.') a.push_back(ch);
        }
        for (char ch : Lower(label)) {
          if (ch != ' ' && ch != '.') b.push_back(ch);
        }
        predicted[i] = a;
        scores[i] = a == b;
        break;
      }
      case ClassificationMode::kContains:
        predicted[i] = Lower(answer);
        scores[i] = ToLowerAscii(answer).find(Lower(label)) != std::string::npos;
        break;
      case ClassificationMode::kTokenRecall:
        predicted[i] = Lower(answer);
        scores[i] = TokenRecall(answer, label);
        break;
      case ClassificationMode::kLcs: {
        const int k = LcsClass(answer, classes);
        predicted[i] = k >= 0 ? key(classes[k]) : "(none)";
        scores[i] = predicted[i] == truth_key[i];
        break;
      }
    }
    out.per_sample[i] = {{"metrics", {{"accuracy", scores[i]}}}, {"predicted_class", predicted[i]}};
  }
  const auto summarise = [&](const std::vector<size_t>& indices) {
    std::map<std::string, std::pair<double, int64_t>> per_class;  // sum of scores, count
    for (size_t i : indices) {
      auto& [sum, count] = per_class[truth_key[i]];
      sum += scores[i];
      ++count;
    }
    double balanced = 0;
    ordered_json recall = ordered_json::object();
    for (const auto& [label, sc] : per_class) {
      recall[label] = sc.first / static_cast<double>(sc.second);
      balanced += sc.first / static_cast<double>(sc.second);
    }
    ordered_json m = {{"accuracy", Mean(scores, indices)},
                      {"balanced_accuracy", per_class.empty() ? 0.0 : balanced / per_class.size()}};
    m["per_class_recall"] = recall;
    return m;
  };
  out.summary["n"] = n;
  out.summary["metrics"] = summarise(AllIndices(n));
  // Confusion matrix over what the rule mapped each answer to; answers outside the class list appear as written.
  ordered_json confusion = ordered_json::object();
  for (size_t i = 0; i < n; ++i) {
    auto& row = confusion[truth_key[i]];
    if (row.is_null()) row = ordered_json::object();
    row[predicted[i]] = row.value(predicted[i], 0) + 1;
  }
  out.summary["confusion"] = confusion;
  if (multi_label) {
    const double precision = tp + fp ? static_cast<double>(tp) / (tp + fp) : 0.0;
    const double recall = tp + fn ? static_cast<double>(tp) / (tp + fn) : 0.0;
    out.summary["multi_label"] = {
        {"tp", tp},         {"fp", fp},
        {"fn", fn},         {"precision", precision},
        {"recall", recall}, {"f1", precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0}};
  }
  AddBreakdowns(
      input, [&](const std::vector<size_t>& idx) { return summarise(idx); }, &out.summary);
  out.summary["empty_answer_ids"] = EmptyAnswers(input);
  out.settings["classification"] = ClassificationModeName(c.classification);
  return out;
}

TaskOutcome ScoreCountingTask(const TaskSamples& input, const Conventions& c) {
  const size_t n = input.samples.size();
  std::vector<double> exact(n, 0.0), within_one(n, 0.0), error(n, 0.0);
  std::vector<bool> parsed(n, false);
  std::vector<std::string> failures;
  TaskOutcome out;
  out.per_sample.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t count = std::get<CountingTruth>(input.samples[i]->gt).count;
    const Prediction* p = input.predictions[i];
    ordered_json m;
    if (p) {
      const std::optional<int64_t> value = FirstInteger(p->answer);
      if (value) {
        parsed[i] = true;
        error[i] = static_cast<double>(*value - count);
        within_one[i] = std::llabs(*value - count) <= 1;
        m["parsed"] = *value;
      } else {
        failures.push_back(p->id);
      }
      const std::string digits = std::to_string(count);
      switch (c.counting) {
        case CountingMode::kFirstInteger: exact[i] = value && *value == count; break;
        case CountingMode::kVqa: exact[i] = VqaAnswerScore(p->answer, digits, VqaMode::kLhrsBot); break;
        case CountingMode::kContains: exact[i] = VqaAnswerScore(p->answer, digits, VqaMode::kContains); break;
      }
    }
    m["accuracy"] = exact[i];
    out.per_sample[i] = {{"metrics", m}};
  }
  const auto summarise = [&](const std::vector<size_t>& indices) {
    double abs_sum = 0, sq_sum = 0;
    int64_t k = 0;
    for (size_t i : indices) {
      if (!parsed[i]) continue;
      abs_sum += std::fabs(error[i]);
      sq_sum += error[i] * error[i];
      ++k;
    }
    return ordered_json{{"accuracy", Mean(exact, indices)},
                        {"accuracy_pm1", Mean(within_one, indices)},
                        // No parsed answer leaves no error to average: null, not a perfect 0.
                        {"mae", k ? ordered_json(abs_sum / k) : ordered_json(nullptr)},
                        {"rmse", k ? ordered_json(std::sqrt(sq_sum / k)) : ordered_json(nullptr)},
                        {"parsed", k}};
  };
  out.summary["n"] = n;
  out.summary["metrics"] = summarise(AllIndices(n));
  out.summary["parse_failures"] = failures.size();
  out.summary["parse_failure_ids"] = failures;
  AddBreakdowns(input, summarise, &out.summary);
  out.summary["empty_answer_ids"] = EmptyAnswers(input);
  out.settings["counting"] =
      std::string(CountingModeName(c.counting)) +
      "; accuracy_pm1, mae and rmse use the first integer of each answer, over answers that "
      "have one, null when none has (missing and unparsable answers count wrong in both accuracies)";
  return out;
}

}  // namespace mgrs::metrics::internal
