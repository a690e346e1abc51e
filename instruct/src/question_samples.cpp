// Visual question answering: the dataset's own questions (RSVQA, VRSBench) and generated presence, comparison and
// direction questions that the objects answer.
#include <algorithm>

#include "generate.h"
#include "mgrs/instruct/describe.h"

namespace mgrs::instruct {
namespace {

void DatasetQuestions(const GenerationContext& context, const ImageJob& job) {
  const catalog::AnnotatedImage& record = *job.record;
  for (size_t k = 0; k < record.qa.size(); ++k) {
    const Qa& qa = record.qa[k];
    const std::string suffix = "qa-" + std::to_string(k);
    if (qa.question.empty() || qa.answer.empty()) {
      job.skips->Add("vqa: empty question or answer", record.image.id + "/" + suffix);
      continue;
    }
    Emit(context, job, SampleKind::kVqa, suffix, {{"question", qa.question}, {"answer", qa.answer}},
         qa.type.empty() ? "other" : qa.type, VqaTruth{qa.answer, qa.type});
  }
}

struct Question {
  SampleKind kind;
  std::string suffix;
  Fields fields;
  std::string type;
  std::string answer;
};

// Every question the image's objects answer without doubt.
std::vector<Question> GeneratedQuestions(const GenerationContext& context, const catalog::AnnotatedImage& record) {
  const VqaRules& rules = context.config->vqa;
  std::map<std::string, std::vector<const Object*>> by_class;
  for (const auto& stored : record.objects) by_class[stored.object.class_key].push_back(&stored.object);
  std::vector<Question> out;
  auto classes = context.object_classes.find(record.image.dataset);
  if (rules.presence && classes != context.object_classes.end()) {
    for (const std::string& key : classes->second) {
      const std::string name = ClassName(key), answer = by_class.count(key) ? "yes" : "no";
      out.push_back(
          {SampleKind::kPresence,
           "presence-" + key,
           {{"class", name}, {"a_class", WithArticle(name)}, {"class_plural", Plural(name)}, {"answer", answer}},
           "presence",
           answer});
    }
  }
  if (rules.comparison) {
    for (const auto& [a, objects_a] : by_class) {
      for (const auto& [b, objects_b] : by_class) {
        if (a == b || objects_a.size() == objects_b.size()) continue;
        const std::string answer = objects_a.size() > objects_b.size() ? "yes" : "no";
        out.push_back(
            {SampleKind::kComparison,
             "comparison-" + a + "-" + b,
             {{"class_plural", Plural(ClassName(a))}, {"other_plural", Plural(ClassName(b))}, {"answer", answer}},
             "comparison",
             answer});
      }
    }
  }
  if (rules.direction && record.image.width > 0 && record.image.height > 0) {
    for (const auto& [key, objects] : by_class) {
      if (objects.size() != 1) continue;
      const std::string answer = CellName(CellOf(objects[0]->hbb, record.image.width, record.image.height));
      out.push_back({SampleKind::kDirection,
                     "direction-" + key,
                     {{"class", ClassName(key)}, {"answer", answer}},
                     "direction",
                     answer});
    }
  }
  return out;
}

void Generated(const GenerationContext& context, const ImageJob& job) {
  std::vector<Question> questions = GeneratedQuestions(context, *job.record);
  const std::string& id = job.record->image.id;
  std::vector<std::pair<uint64_t, size_t>> order;
  for (size_t k = 0; k < questions.size(); ++k)
    order.emplace_back(Hash(id + "/" + questions[k].suffix, context.seed), k);
  std::sort(order.begin(), order.end());
  const size_t limit = static_cast<size_t>(std::max(0, context.config->vqa.max_generated_per_image));
  if (order.size() > limit) order.resize(limit);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  for (const auto& [rank, k] : order) {
    Question& q = questions[k];
    Emit(context, job, q.kind, q.suffix, q.fields, q.type, VqaTruth{q.answer, q.type});
  }
}

}  // namespace

void QuestionSamples(const GenerationContext& context, const ImageJob& job) {
  DatasetQuestions(context, job);
  Generated(context, job);
}

}  // namespace mgrs::instruct
