// The Assistant (checkpoint + tokenizer + image preprocessing + conversation template) and benchmark evaluation,
// declared in generate.h. Apart from Generate because they decode images (mgrs::raster: GDAL, OpenCV), so they belong
// to mgrs::model, not to the LibTorch-only mgrs::model_core.
#include "mgrs/model/generate.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

#include <torch/torch.h>

#include "mgrs/core/files.h"
#include "mgrs/core/jsonl.h"
#include "mgrs/core/sample_file.h"
#include "mgrs/core/text.h"
#include "mgrs/model/moe.h"
#include "mgrs/model/preprocess.h"

namespace mgrs::model {

Assistant::Assistant(Llava model, std::unique_ptr<Tokenizer> tokenizer, ConversationStyle style)
    : model_(std::move(model)), tokenizer_(std::move(tokenizer)), style_(style) {}

Result<std::unique_ptr<Assistant>> Assistant::Load(const std::string& checkpoint_dir, const RunOptions& options) {
  auto loaded = LoadLlava(checkpoint_dir, options);
  if (!loaded.ok()) return loaded.status();
  if (loaded->tokenizer_path.empty()) {
    return Status(StatusCode::kFailedPrecondition, checkpoint_dir + ": no tokenizer.model in the checkpoint");
  }
  auto tokenizer = Tokenizer::Load(loaded->tokenizer_path);
  if (!tokenizer.ok()) return tokenizer.status();
  ConversationStyle style = ConversationStyle::kVicunaV1;
  const auto& name = loaded->model->config().tokenizer.conversation;
  if (!ParseConversationStyle(name, &style)) return InvalidArgument("unknown conversation template \"" + name + "\"");
  return std::unique_ptr<Assistant>(new Assistant(loaded->model, std::move(*tokenizer), style));
}

Result<std::vector<std::string>> Assistant::Answer(const std::vector<Question>& questions,
                                                   const GenerationOptions& options) {
  const auto& vision = model_->config().vision;
  const auto parameter = model_->parameters().front();
  std::vector<std::vector<int64_t>> prompts;
  std::vector<torch::Tensor> images;
  for (const auto& question : questions) {
    std::string text = question.text;
    if (!question.image_path.empty()) {
      if (text.find(kImagePlaceholder) == std::string::npos) text = std::string(kImagePlaceholder) + "\n" + text;
      auto chw = PreprocessImageFile(question.image_path, vision);
      if (!chw.ok()) return chw.status();
      const int s = vision.image_size;
      images.push_back(torch::from_blob(chw->data(), {3, s, s}, torch::kFloat).clone());
    }
    const auto ids = TokenizePrompt(*tokenizer_, BuildGenerationPrompt(style_, {}, text));
    prompts.emplace_back(ids.begin(), ids.end());
  }
  torch::Tensor pixels;
  if (!images.empty()) pixels = torch::stack(images).to(parameter.device(), parameter.scalar_type());
  auto generated = Generate(*model_, prompts, pixels, options);
  if (!generated.ok()) return generated.status();
  std::vector<std::string> answers;
  for (const auto& ids : *generated) {
    answers.push_back(std::string(TrimAscii(tokenizer_->Decode(std::vector<int>(ids.begin(), ids.end())))));
  }
  return answers;
}

namespace {

struct PendingSample {
  size_t index = 0;
  int64_t line = 0;
  std::string id;
  Question question;
};

}  // namespace

Result<EvaluationReport> RunEvaluation(const EvaluationOptions& options) {
  if (options.batch_size < 1) return InvalidArgument("batch size must be at least 1");
  EvaluationReport report;
  // Read everything first: the whole benchmark is small next to the model, and batches are formed per task.
  std::map<Task, std::vector<PendingSample>> by_task;
  size_t count = 0;
  auto reject = [&](int64_t line, const std::string& code, const std::string& message) {
    report.rejected.push_back(MakeDiagnostic(options.bench_path, line, code, message));
  };
  auto add = [&](Sample&& sample, int64_t line) {
    ++report.read;
    PendingSample pending{count, line, sample.id, {}};
    pending.question.text = sample.Question();
    if (!ResolveInsideRoot(options.image_root, sample.image, &pending.question.image_path)) {
      reject(line, "IMAGE_OUTSIDE_ROOT", "image path \"" + sample.image + "\" leaves the image root");
    } else if (!std::filesystem::is_regular_file(pending.question.image_path)) {
      reject(line, "MISSING_IMAGE", "no image at " + pending.question.image_path);
    } else {
      ++count;
      by_task[sample.task].push_back(std::move(pending));
    }
    return Status::Ok();
  };
  auto bad = [&](const Diagnostic& diagnostic) {
    ++report.read;
    report.rejected.push_back(diagnostic);
    return Status::Ok();
  };
  MGRS_RETURN_IF_ERROR(ForEachSample(options.bench_path, add, bad));

  auto assistant = Assistant::Load(options.checkpoint_dir, options.run);
  if (!assistant.ok()) return assistant.status();
  std::vector<std::optional<Prediction>> predictions(count);
  RoutingStatistics routing;
  std::string current_task;
  GenerationOptions generation = options.generation;
  if (!options.routing_out.empty()) {
    generation.on_routing = [&](const std::vector<RoutingRecord>& records) { routing.Add(records, current_task); };
  }
  auto answer_batch = [&](const std::vector<PendingSample>& batch) -> Status {
    std::vector<Question> questions;
    for (const auto& p : batch) questions.push_back(p.question);
    auto answers = (*assistant)->Answer(questions, generation);
    if (!answers.ok() && batch.size() > 1) {
      // One undecodable image must not sink the batch: answer one by one to find it.
      for (const auto& p : batch) {
        auto single = (*assistant)->Answer({p.question}, generation);
        if (single.ok()) {
          predictions[p.index] = Prediction{p.id, single->front(), nlohmann::json::object()};
        } else {
          report.rejected.push_back(
              MakeDiagnostic(options.bench_path, p.line, "UNANSWERABLE", single.status().message()));
        }
      }
      return Status::Ok();
    }
    if (!answers.ok()) {
      report.rejected.push_back(
          MakeDiagnostic(options.bench_path, batch.front().line, "UNANSWERABLE", answers.status().message()));
      return Status::Ok();
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      predictions[batch[i].index] = Prediction{batch[i].id, (*answers)[i], nlohmann::json::object()};
    }
    return Status::Ok();
  };
  for (const auto& [task, samples] : by_task) {
    current_task = TaskName(task);
    for (size_t start = 0; start < samples.size(); start += options.batch_size) {
      const auto end = std::min(samples.size(), start + static_cast<size_t>(options.batch_size));
      MGRS_RETURN_IF_ERROR(answer_batch(std::vector<PendingSample>(samples.begin() + start, samples.begin() + end)));
    }
  }
  auto writer = JsonlWriter::Create(options.out_path);
  if (!writer.ok()) return writer.status();
  for (const auto& prediction : predictions) {
    if (!prediction) continue;
    MGRS_RETURN_IF_ERROR(writer->Write(PredictionToJson(*prediction)));
    ++report.answered;
  }
  MGRS_RETURN_IF_ERROR(writer->Commit());
  if (!options.routing_out.empty()) {
    MGRS_RETURN_IF_ERROR(WriteFileAtomically(options.routing_out, routing.ToJson().dump(2) + "\n"));
    std::string svg_path = options.routing_out;
    if (svg_path.size() > 5 && svg_path.compare(svg_path.size() - 5, 5, ".json") == 0)
      svg_path.resize(svg_path.size() - 5);
    MGRS_RETURN_IF_ERROR(WriteFileAtomically(svg_path + ".svg", routing.ToSvg()));
    if (!routing.empty()) report.routing_table = routing.ToTable();
  }
  return report;
}

}  // namespace mgrs::model
