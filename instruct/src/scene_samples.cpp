// Whole-image samples: scene classification from scene labels, captioning from caption sets.
#include "generate.h"

namespace mgrs::instruct {
namespace {

std::string Join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

void Classification(const GenerationContext& context, const ImageJob& job) {
  const catalog::AnnotatedImage& record = *job.record;
  if (!record.scene) return;
  const std::string label = DisplayName(record.scene->label);
  if (label.empty()) {
    job.skips->Add("classification: empty scene label", record.image.id);
    return;
  }
  auto classes = context.scene_classes.find(record.image.dataset);
  ClassificationTruth truth{label,
                            classes == context.scene_classes.end() ? std::vector<std::string>{} : classes->second};
  Emit(context, job, SampleKind::kClassification, "scene", {{"classes", Join(truth.classes, ", ")}, {"label", label}},
       "scene", std::move(truth));
}

void Caption(const GenerationContext& context, const ImageJob& job) {
  const catalog::AnnotatedImage& record = *job.record;
  CaptionTruth truth;
  for (const auto& caption : record.captions) {
    if (caption.text.find_first_not_of(" \t\r\n") != std::string::npos) truth.references.push_back(caption.text);
  }
  if (truth.references.size() < record.captions.size()) {
    job.skips->Add("caption: empty reference dropped", record.image.id,
                   static_cast<int64_t>(record.captions.size() - truth.references.size()));
  }
  if (truth.references.empty()) return;
  // The answer the model is trained on: one reference, drawn by the image's hash so reruns agree.
  const std::string answer = truth.references[Hash(record.image.id, context.seed) % truth.references.size()];
  Emit(context, job, SampleKind::kCaption, "caption", {{"caption", answer}}, "image", std::move(truth));
}

}  // namespace

void SceneSamples(const GenerationContext& context, const ImageJob& job) {
  Classification(context, job);
  Caption(context, job);
}

}  // namespace mgrs::instruct
