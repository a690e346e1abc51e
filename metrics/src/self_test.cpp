// mgrs-score --self-test: published values recomputed with the library (sources next to each value).
#include "mgrs/metrics/self_test.h"

#include <cmath>
#include <cstdio>

#include "mgrs/metrics/bleu.h"
#include "mgrs/metrics/cider.h"
#include "mgrs/metrics/meteor.h"
#include "mgrs/metrics/rouge.h"
#include "mgrs/metrics/tokenizer.h"

namespace mgrs::metrics {
namespace {

Status Expect(const std::string& what, double got, double expected, double tolerance, std::string* summary) {
  char line[256];
  std::snprintf(line, sizeof(line), "%s = %.12g (expected %.12g)", what.c_str(), got, expected);
  if (!(std::fabs(got - expected) <= tolerance)) return Internal(std::string("self-test failed: ") + line);
  *summary += std::string("ok  ") + line + "\n";
  return Status::Ok();
}

}  // namespace

Status MetricsSelfTest(const std::string& meteor_data, std::string* summary) {
  summary->clear();
  // tylin/coco-caption test_metrics.py "Bleu 2" (exact values re-computed with pycocoevalcap, research 7.2).
  {
    const std::vector<CaptionItem> items = {
        {"this is a test of bleu", {"here is a test of bleu", "here is a test of blue"}},
        {"dont worry it will probably pass",
         {"please worry it probably wont pass", "dont worry it will probably pass"}}};
    const BleuResult bleu = CorpusBleu(CaptionCorpus::Build(items, 1), 1);
    const double expected[4] = {0.9166666665138891, 0.9082951060702961, 0.8970582964112459, 0.8806841673159312};
    for (int k = 0; k < 4; ++k) {
      MGRS_RETURN_IF_ERROR(Expect("Bleu_" + std::to_string(k + 1) + " (coco test_metrics 'Bleu 2')", bleu.corpus[k],
                                  expected[k], 1e-12, summary));
    }
  }
  // test_metrics.py "Cider 2": 3.75.
  {
    const std::vector<CaptionItem> items = {{"dog walks", {"dog runs"}}, {"dog will hunt", {"dog will hunt"}}};
    MGRS_RETURN_IF_ERROR(Expect("CIDEr (coco test_metrics 'Cider 2')",
                                CorpusCiderD(CaptionCorpus::Build(items, 1), 1).corpus, 3.75, 1e-12, summary));
  }
  // The commented-out set of test_metrics.py: ROUGE-L 0.5027146063609029.
  {
    const std::vector<CaptionItem> items = {
        {"the black cat is hat is hat", {"the cat in the hat is black ."}},
        {"humans are mostly insensitive to different colors except gray",
         {"unsurprisingly it was discovered out that most humans are insensitive to different shades of gray"}}};
    MGRS_RETURN_IF_ERROR(Expect("ROUGE_L (coco test_metrics, commented-out set)",
                                CorpusRougeL(CaptionCorpus::Build(items, 1), 1).corpus, 0.5027146063609029, 1e-12,
                                summary));
  }
  // CoreNLP 3.4.1 PTBTokenizer -lowerCase + coco filter (shared/vectors/ptb_tokenizer_vectors.json).
  {
    const std::string got =
        CocoTokenize("The image shows a dense residential area (with many buildings) near a river.");
    const std::string expected =
        "the image shows a dense residential area -lrb- with many buildings -rrb- near a river";
    if (got != expected) return Internal("self-test failed: tokenizer gave '" + got + "'");
    *summary += "ok  PTB tokenizer keeps -lrb- / -rrb- as coco-caption does\n";
  }
  // Meteor 1.5 without paraphrases (research/metrics.md 4.9 and shared/vectors/meteor_local_nopara_vectors.tsv).
  auto dir = FindMeteorData(meteor_data);
  if (!dir.ok()) return dir.status();
  auto data = MeteorData::Load(*dir);
  if (!data.ok()) return data.status();
  MeteorScorer scorer(*data);
  MGRS_RETURN_IF_ERROR(Expect("METEOR 'the ships' vs 'the ship'", scorer.SegmentScore("the ships", {"the ship"}),
                              0.6999999999999998, 1e-15, summary));
  MGRS_RETURN_IF_ERROR(Expect("METEOR 'this is a good test' (nlg-eval)",
                              scorer.SegmentScore("this is a good test", {"this is a test", "this is also a test"}),
                              0.4443438716486749, 1e-15, summary));
  *summary += "METEOR data: " + *dir + "\n";
  return Status::Ok();
}

}  // namespace mgrs::metrics
