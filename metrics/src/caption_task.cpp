// The caption task: coco-caption's BLEU-1..4, METEOR, ROUGE-L and CIDEr-D on the joined samples, overall and per
// dataset / granularity (each subset scored as its own evaluation set, as coco would score it).
#include <mutex>

#include "mgrs/core/text.h"
#include "mgrs/metrics/bleu.h"
#include "mgrs/metrics/cider.h"
#include "mgrs/metrics/meteor.h"
#include "mgrs/metrics/rouge.h"
#include "mgrs/metrics/tokenizer.h"
#include "parallel.h"
#include "tasks.h"

namespace mgrs::metrics::internal {
namespace {

using nlohmann::ordered_json;

std::string Prepare(const std::string& text, bool tokenize) {
  if (!tokenize) return text;
  std::string one_line = text;
  for (char& c : one_line) {
    if (c == '\n') c = ' ';
  }
  return CocoTokenize(one_line);
}

struct CaptionScores {
  BleuResult bleu;
  RougeResult rouge;
  CiderResult cider;
  MeteorResult meteor;
  bool has_meteor = false;
};

ordered_json SubsetMetrics(const CaptionScores& s, const std::vector<CaptionItem>& items,
                           const std::vector<size_t>& subset, int threads) {
  BleuStats totals;
  std::vector<double> rouge;
  std::vector<MeteorStats> meteor;
  std::vector<CaptionItem> subset_items;
  for (size_t i : subset) {
    totals += s.bleu.per_image_stats[i];
    rouge.push_back(s.rouge.per_image[i]);
    if (s.has_meteor) meteor.push_back(s.meteor.per_image_stats[i]);
    subset_items.push_back(items[i]);
  }
  const auto bleu = BleuFromStats(totals);
  const CiderResult cider = CorpusCiderD(CaptionCorpus::Build(subset_items, threads), threads);
  ordered_json m;
  for (int k = 0; k < 4; ++k) m["Bleu_" + std::to_string(k + 1)] = bleu[k];
  if (s.has_meteor) m["METEOR"] = MeteorScoreFromStats(SumMeteorStats(meteor));
  m["ROUGE_L"] = NumpyMean(rouge);
  m["CIDEr"] = cider.corpus;
  return m;
}

}  // namespace

std::vector<std::pair<std::string, std::vector<size_t>>> GroupBy(const TaskSamples& input, bool by_dataset) {
  std::vector<std::pair<std::string, std::vector<size_t>>> groups;
  bool any = false;
  for (const Sample* s : input.samples) any |= !(by_dataset ? s->dataset : s->granularity).empty();
  if (!any) return groups;
  for (size_t i = 0; i < input.samples.size(); ++i) {
    std::string label = by_dataset ? input.samples[i]->dataset : input.samples[i]->granularity;
    if (label.empty()) label = "(none)";
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == label; });
    if (it == groups.end()) {
      groups.push_back({label, {}});
      it = groups.end() - 1;
    }
    it->second.push_back(i);
  }
  return groups;
}

Result<TaskOutcome> ScoreCaptionTask(const TaskSamples& input, const ScoreOptions& options) {
  const size_t n = input.samples.size();
  std::vector<CaptionItem> items(n);
  std::vector<std::string> empty_answers;
  ParallelRanges(n, options.threads, [&](size_t begin, size_t end, int) {
    for (size_t i = begin; i < end; ++i) {
      const Prediction* p = input.predictions[i];
      items[i].hypothesis = p ? Prepare(p->answer, options.tokenize) : std::string();
      for (const std::string& ref : std::get<CaptionTruth>(input.samples[i]->gt).references) {
        items[i].references.push_back(Prepare(ref, options.tokenize));
      }
    }
  });
  for (size_t i = 0; i < n; ++i) {
    const Prediction* p = input.predictions[i];
    if (p && TrimAscii(p->answer).empty()) empty_answers.push_back(p->id);
  }

  TaskOutcome out;
  CaptionScores s;
  std::string meteor_label = "not computed (--no-meteor)";
  if (options.meteor) {
    auto dir = FindMeteorData(options.meteor_data);
    if (!dir.ok()) return dir.status();
    auto data = MeteorData::Load(*dir);
    if (!data.ok()) return data.status();
    if (!options.meteor_paraphrase.empty()) MGRS_RETURN_IF_ERROR((*data)->LoadParaphrases(options.meteor_paraphrase));
    meteor_label = (*data)->has_paraphrases() ? "METEOR 1.5 (paraphrase table " + options.meteor_paraphrase + ")"
                                              : "METEOR 1.5 (no paraphrase table)";
    s.meteor = CorpusMeteor(items, *data, options.threads);
    s.has_meteor = true;
    out.settings["meteor_data"] = *dir;
  }
  const CaptionCorpus corpus = CaptionCorpus::Build(items, options.threads);
  s.bleu = CorpusBleu(corpus, options.threads);
  s.rouge = CorpusRougeL(corpus, options.threads);
  s.cider = CorpusCiderD(corpus, options.threads);

  out.settings["tokenizer"] = options.tokenize
                                  ? "PTB (CoreNLP 3.4.1 PTBTokenizer -lowerCase rules) + coco punctuation filter"
                                  : "none (--no-tokenize): captions split on whitespace as given";
  out.settings["bleu"] =
      "coco-caption bleu_scorer.py: closest reference length, epsilons 1e-15/1e-9, corpus from "
      "summed counts";
  out.settings["meteor"] = meteor_label +
                           ", -l en -norm, alpha 0.85 beta 0.2 gamma 0.6 delta 0.75, module weights "
                           "1.0/0.6/0.8/0.6, corpus from summed statistics";
  out.settings["rouge_l"] = "coco-caption rouge.py: beta 1.2, best precision and best recall over references";
  out.settings["cider"] = "CIDEr-D: sigma 6, x10, document frequency over the evaluated set's references";
  out.settings["caption_breakdowns"] = "each dataset / granularity scored as its own evaluation set";

  ordered_json metrics;
  for (int k = 0; k < 4; ++k) metrics["Bleu_" + std::to_string(k + 1)] = s.bleu.corpus[k];
  if (s.has_meteor) metrics["METEOR"] = s.meteor.corpus;
  metrics["ROUGE_L"] = s.rouge.corpus;
  metrics["CIDEr"] = s.cider.corpus;
  ordered_json& summary = out.summary;
  summary["n"] = n;
  summary["metrics"] = metrics;
  summary["metric_labels"] = {{"METEOR", meteor_label}};
  const BleuStats& t = s.bleu.totals;
  summary["bleu_totals"] = {{"testlen", t.testlen}, {"reflen", t.reflen}, {"guess", t.guess}, {"correct", t.correct}};
  for (bool by_dataset : {true, false}) {
    const auto groups = GroupBy(input, by_dataset);
    if (groups.empty()) continue;
    ordered_json breakdown = ordered_json::object();
    for (const auto& [label, indices] : groups) {
      breakdown[label] = {{"n", indices.size()}, {"metrics", SubsetMetrics(s, items, indices, options.threads)}};
    }
    summary[by_dataset ? "by_dataset" : "by_granularity"] = std::move(breakdown);
  }
  summary["empty_answer_ids"] = empty_answers;

  out.per_sample.resize(n);
  for (size_t i = 0; i < n; ++i) {
    ordered_json m;
    for (int k = 0; k < 4; ++k) m["Bleu_" + std::to_string(k + 1)] = s.bleu.per_image[i][k];
    if (s.has_meteor) m["METEOR"] = s.meteor.per_image[i];
    m["ROUGE_L"] = s.rouge.per_image[i];
    m["CIDEr"] = s.cider.per_image[i];
    out.per_sample[i] = {{"metrics", m}, {"hypothesis_tokens", items[i].hypothesis}};
  }
  return out;
}

}  // namespace mgrs::metrics::internal
