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

// A question the objects answer without doubt, named by its kind and the classes it is about (indices into the
// image's classes); its words are written only when it is drawn.
struct Question {
  SampleKind kind;
  size_t a = 0, b = 0;
  bool present = true;  // presence: a is an index into the dataset's classes instead
};

std::vector<Question> GeneratedQuestions(const GenerationContext& context, const catalog::AnnotatedImage& record,
                                         const std::vector<std::pair<std::string, std::vector<const Object*>>>& classes,
                                         const std::vector<std::string>* dataset_classes) {
  const VqaRules& rules = context.config->vqa;
  std::vector<Question> out;
  if (rules.presence && dataset_classes) {
    for (size_t k = 0; k < dataset_classes->size(); ++k) out.push_back({SampleKind::kPresence, k, 0});
  }
  for (size_t a = 0; rules.comparison && a < classes.size(); ++a) {
    for (size_t b = 0; b < classes.size(); ++b) {
      if (classes[a].second.size() != classes[b].second.size()) out.push_back({SampleKind::kComparison, a, b});
    }
  }
  const bool sized = record.image.width > 0 && record.image.height > 0;
  for (size_t a = 0; rules.direction && sized && a < classes.size(); ++a) {
    if (classes[a].second.size() == 1) out.push_back({SampleKind::kDirection, a, 0});
  }
  return out;
}

void Generated(const GenerationContext& context, const ImageJob& job) {
  const catalog::AnnotatedImage& record = *job.record;
  std::map<std::string, std::vector<const Object*>> grouped;
  for (const auto& stored : record.objects) grouped[stored.object.class_key].push_back(&stored.object);
  const std::vector<std::pair<std::string, std::vector<const Object*>>> classes(grouped.begin(), grouped.end());
  auto found = context.object_classes.find(record.image.dataset);
  const std::vector<std::string>* dataset_classes = found == context.object_classes.end() ? nullptr : &found->second;
  const std::vector<Question> questions = GeneratedQuestions(context, record, classes, dataset_classes);

  // Draw by a hash of the image and the question, so that a question's chance does not depend on the others.
  const uint64_t image_hash = Hash(record.image.id, context.seed);
  std::vector<std::pair<uint64_t, size_t>> order;
  order.reserve(questions.size());
  for (size_t k = 0; k < questions.size(); ++k) {
    const Question& q = questions[k];
    order.emplace_back(Mix(image_hash, static_cast<uint64_t>(q.kind) << 48 | q.a << 24 | q.b), k);
  }
  const size_t limit = static_cast<size_t>(std::max(0, context.config->vqa.max_generated_per_image));
  if (order.size() > limit) {
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(limit), order.end());
    order.resize(limit);
  }
  std::sort(order.begin(), order.end(), [](const auto& x, const auto& y) { return x.second < y.second; });
  for (const auto& [rank, k] : order) {
    const Question& q = questions[k];
    if (q.kind == SampleKind::kPresence) {
      const std::string& key = (*dataset_classes)[q.a];
      const std::string name = ClassName(key), answer = grouped.count(key) ? "yes" : "no";
      Emit(context, job, q.kind, "presence-" + key,
           {{"class", name}, {"a_class", WithArticle(name)}, {"class_plural", Plural(name)}, {"answer", answer}},
           "presence", VqaTruth{answer, "presence"});
    } else if (q.kind == SampleKind::kComparison) {
      const auto& [a, objects_a] = classes[q.a];
      const auto& [b, objects_b] = classes[q.b];
      const std::string answer = objects_a.size() > objects_b.size() ? "yes" : "no";
      Emit(context, job, q.kind, "comparison-" + a + "-" + b,
           {{"class_plural", Plural(ClassName(a))}, {"other_plural", Plural(ClassName(b))}, {"answer", answer}},
           "comparison", VqaTruth{answer, "comparison"});
    } else {
      const auto& [key, objects] = classes[q.a];
      const std::string answer = CellName(CellOf(objects[0]->hbb, record.image.width, record.image.height));
      Emit(context, job, q.kind, "direction-" + key, {{"class", ClassName(key)}, {"answer", answer}}, "direction",
           VqaTruth{answer, "direction"});
    }
  }
}

}  // namespace

void QuestionSamples(const GenerationContext& context, const ImageJob& job) {
  DatasetQuestions(context, job);
  Generated(context, job);
}

}  // namespace mgrs::instruct
