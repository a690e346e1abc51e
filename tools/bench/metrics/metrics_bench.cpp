// metrics_bench: times the tokenizer, BLEU + ROUGE-L + CIDEr-D and METEOR on the coco demo set (1,000 images x 5
// references) replicated to 40,000 images, for 1 and 2 threads, and checks that both give identical numbers.
//   metrics_bench [--copies 40] [--repeat 3] [--shared DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "mgrs/metrics/answers.h"
#include "mgrs/metrics/bleu.h"
#include "mgrs/metrics/cider.h"
#include "mgrs/metrics/meteor.h"
#include "mgrs/metrics/rouge.h"
#include "mgrs/metrics/tokenizer.h"

namespace {

using namespace mgrs::metrics;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Process CPU time (all threads). On a shared machine the wall time includes waiting for other jobs; the CPU
// time does not, so both are printed.
double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }
double last_cpu = 0;

template <typename Fn>
double Best(int repeat, Fn&& fn) {
  double best = 1e300;
  for (int r = 0; r < repeat; ++r) {
    const auto start = Clock::now();
    const double cpu_start = CpuSeconds();
    fn();
    const double wall = Seconds(start);
    if (wall < best) {
      best = wall;
      last_cpu = CpuSeconds() - cpu_start;
    }
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  int copies = 40, repeat = 3;
  std::string shared = MGRS_SHARED_DIR;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--copies")) copies = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--repeat")) repeat = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--shared")) shared = argv[i + 1];
  }
  std::ifstream in(shared + "/vectors/coco_fakecap_1000_tokenized.json");
  if (!in) {
    std::fprintf(stderr, "metrics_bench: cannot read %s/vectors/coco_fakecap_1000_tokenized.json\n", shared.c_str());
    return 1;
  }
  const auto demo = nlohmann::json::parse(in);
  std::vector<CaptionItem> items;
  for (int c = 0; c < copies; ++c) {
    for (const auto& x : demo) {
      CaptionItem item{x["test"].get<std::string>(), {}};
      for (const auto& r : x["refs"]) item.references.push_back(r.get<std::string>());
      items.push_back(std::move(item));
    }
  }
  size_t captions = 0;
  for (const auto& item : items) captions += 1 + item.references.size();
  std::printf("coco demo x%d: %zu images, %zu captions; best of %d runs\n", copies, items.size(), captions, repeat);

  // Tokenizer: every caption through coco's PTB step, one thread.
  size_t tokens = 0;
  const double tokenize = Best(repeat, [&] {
    tokens = 0;
    std::string out;
    for (const auto& item : items) {
      for (size_t k = 0; k <= item.references.size(); ++k) {
        out.clear();
        CocoTokenize(k == 0 ? item.hypothesis : item.references[k - 1], &out);
        tokens += static_cast<size_t>(std::count(out.begin(), out.end(), ' ')) + (out.empty() ? 0 : 1);
      }
    }
  });
  std::printf("tokenizer (1 thread): %.3f s wall, %.3f s CPU, %zu tokens, %.2f M tokens/s (wall)\n", tokenize, last_cpu,
              tokens, tokens / tokenize / 1e6);

  // EarthDial's token recall (NLTK word_tokenize port) on hypothesis/first-reference pairs: caption-length text,
  // longer than the one- or two-word answers it scores in practice. Spaces are removed before tokenizing, so a
  // whole caption is nearly one token and the mean is about 0: only the time matters here.
  double recall_sum = 0;
  const double recall = Best(repeat, [&] {
    recall_sum = 0;
    for (const auto& item : items) recall_sum += TokenRecall(item.hypothesis, item.references.front());
  });
  std::printf("EarthDial token recall (1 thread): %.3f s wall, %.3f s CPU, %zu pairs, %.2f M pairs/s  [mean %.16g]\n",
              recall, last_cpu, items.size(), items.size() / recall / 1e6, recall_sum / items.size());

  std::vector<double> reference;
  for (int threads : {1, 2}) {
    std::vector<double> numbers;
    const double seconds = Best(repeat, [&] {
      const CaptionCorpus corpus = CaptionCorpus::Build(items, threads);
      const BleuResult bleu = CorpusBleu(corpus, threads);
      const RougeResult rouge = CorpusRougeL(corpus, threads);
      const CiderResult cider = CorpusCiderD(corpus, threads);
      numbers = {bleu.corpus[0], bleu.corpus[1], bleu.corpus[2], bleu.corpus[3], rouge.corpus, cider.corpus};
    });
    std::printf(
        "BLEU + ROUGE-L + CIDEr-D (%d thread%s): %.3f s wall, %.3f s CPU  [Bleu_4 %.16g ROUGE_L %.16g "
        "CIDEr %.16g]\n",
        threads, threads > 1 ? "s" : "", seconds, last_cpu, numbers[3], numbers[4], numbers[5]);
    if (reference.empty()) reference = numbers;
    if (numbers != reference) {
      std::fprintf(stderr, "metrics_bench: results differ between thread counts\n");
      return 1;
    }
  }

  const auto load_start = Clock::now();
  auto data = MeteorData::Load(MGRS_METEOR_DIR);
  if (!data.ok()) {
    std::fprintf(stderr, "metrics_bench: %s\n", data.status().ToString().c_str());
    return 1;
  }
  std::printf("METEOR data load: %.3f s\n", Seconds(load_start));
  double meteor_reference = -1;
  for (int threads : {1, 2}) {
    double corpus = 0;
    const double seconds = Best(1, [&] { corpus = CorpusMeteor(items, *data, threads).corpus; });
    std::printf("METEOR 1.5 (%d thread%s): %.3f s wall, %.3f s CPU  [corpus %.17g]\n", threads, threads > 1 ? "s" : "",
                seconds, last_cpu, corpus);
    if (meteor_reference >= 0 && corpus != meteor_reference) {
      std::fprintf(stderr, "metrics_bench: METEOR differs between thread counts\n");
      return 1;
    }
    meteor_reference = corpus;
  }
  return 0;
}
