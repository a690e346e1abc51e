// Builds CaptionCorpus: words and 1- to 4-gram ids for every caption, in parallel, with exact (text-based)
// identity. Word and n-gram ids are interned per thread first and merged, so ids never depend on hashing luck.
#include "mgrs/metrics/caption_corpus.h"

#include <string_view>

#include "caption_corpus_data.h"
#include "ngram_table.h"
#include "parallel.h"
#include "unicode.h"

namespace mgrs::metrics {
namespace {

using internal::PairTable;
using internal::WordTable;

// Python's str.isspace() code points (what str.split() splits on).
bool IsPythonSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

// Python's str.split(): tokens between runs of whitespace. Sets *simple when the text is words joined by single
// spaces, so str.split(" ") gives the same tokens.
void PythonSplit(std::string_view s, std::vector<std::string_view>* out, bool* simple) {
  out->clear();
  *simple = !s.empty();
  size_t pos = 0, token_start = std::string_view::npos;
  size_t last_space = std::string_view::npos;
  while (pos < s.size()) {
    const size_t at = pos;
    const unsigned char b = static_cast<unsigned char>(s[pos]);
    const char32_t c = b < 0x80 ? (++pos, b) : internal::DecodeUtf8(s, &pos);
    if (IsPythonSpace(c)) {
      if (c != ' ' || at == 0 || last_space == at - 1 || pos == s.size()) *simple = false;
      last_space = at;
      if (token_start != std::string_view::npos) {
        out->push_back(s.substr(token_start, at - token_start));
        token_start = std::string_view::npos;
      }
    } else if (token_start == std::string_view::npos) {
      token_start = at;
    }
  }
  if (token_start != std::string_view::npos) out->push_back(s.substr(token_start));
}

// Python's str.split(" ").
void SplitOnSpace(std::string_view s, std::vector<std::string_view>* out) {
  out->clear();
  size_t i = 0;
  while (true) {
    const size_t j = s.find(' ', i);
    if (j == std::string_view::npos) {
      out->push_back(s.substr(i));
      return;
    }
    out->push_back(s.substr(i, j - i));
    i = j + 1;
  }
}

// Marks a per-thread id of a 2- to 4-gram (as opposed to a word id) until ids are made global.
constexpr uint32_t kLongNgram = 0x80000000u;

// Per-thread n-gram ids carry their order in the top two bits until they are made global (step 5).
constexpr uint32_t kOrderShift = 30;
constexpr uint32_t kLocalMask = (1u << kOrderShift) - 1;

struct Worker {
  std::vector<Span> words, rouge, ngrams;
  std::vector<uint32_t> word_ids, rouge_ids, ngram_ids;
  WordTable vocabulary;
  std::vector<uint32_t> word_remap;
  PairTable tables[3];                   // 2-, 3- and 4-grams: (id of the first n-1 words, last word)
  std::vector<uint32_t> ngram_remap[3];  // local id -> global id, per order
};

}  // namespace

size_t CaptionCorpus::size() const { return data_ ? data_->images() : 0; }

CaptionCorpus CaptionCorpus::Build(const std::vector<CaptionItem>& items, int threads) {
  auto data = std::make_shared<Data>();
  data->first.resize(items.size() + 1);
  for (size_t i = 0; i < items.size(); ++i) {
    data->first[i + 1] = data->first[i] + 1 + static_cast<uint32_t>(items[i].references.size());
  }
  const int n_threads = internal::ClampThreads(threads, items.size());
  std::vector<Worker> workers(n_threads);
  const auto caption_text = [&](size_t image, size_t k) -> const std::string& {
    return k == 0 ? items[image].hypothesis : items[image].references[k - 1];
  };

  // 1. Words, interned per thread.
  internal::ParallelRanges(items.size(), n_threads, [&](size_t begin, size_t end, int t) {
    Worker& w = workers[t];
    std::vector<std::string_view> tokens;
    bool simple = false;
    for (size_t image = begin; image < end; ++image) {
      for (size_t k = 0; k <= items[image].references.size(); ++k) {
        const std::string& text = caption_text(image, k);
        PythonSplit(text, &tokens, &simple);
        const uint32_t begin_word = static_cast<uint32_t>(w.word_ids.size());
        w.words.push_back({begin_word, static_cast<uint32_t>(tokens.size())});
        for (std::string_view token : tokens) w.word_ids.push_back(w.vocabulary.Intern(token));
        if (simple) {
          w.rouge.push_back({static_cast<uint32_t>(w.rouge_ids.size()), static_cast<uint32_t>(tokens.size())});
          w.rouge_ids.insert(w.rouge_ids.end(), w.word_ids.begin() + begin_word, w.word_ids.end());
        } else {
          SplitOnSpace(text, &tokens);
          w.rouge.push_back({static_cast<uint32_t>(w.rouge_ids.size()), static_cast<uint32_t>(tokens.size())});
          for (std::string_view token : tokens) w.rouge_ids.push_back(w.vocabulary.Intern(token));
        }
      }
    }
  });
  // 2. One vocabulary.
  uint32_t vocabulary_size = 0;
  {
    WordTable global;
    for (Worker& w : workers) {
      const auto& words = w.vocabulary.words();
      w.word_remap.resize(words.size());
      for (size_t i = 0; i < words.size(); ++i) w.word_remap[i] = global.Intern(words[i]);
    }
    vocabulary_size = static_cast<uint32_t>(global.words().size());
  }
  // 3. Global word ids, then n-grams interned per thread, one word at a time.
  internal::ParallelRanges(workers.size(), n_threads, [&](size_t begin, size_t end, int) {
    for (size_t t = begin; t < end; ++t) {
      Worker& w = workers[t];
      for (uint32_t& id : w.word_ids) id = w.word_remap[id];
      for (uint32_t& id : w.rouge_ids) id = w.word_remap[id];
      size_t total = 0;
      for (const Span& span : w.words) total += span.size * 4;
      w.ngram_ids.reserve(total);
      std::vector<uint32_t> previous;
      for (const Span& span : w.words) {
        w.ngrams.push_back({static_cast<uint32_t>(w.ngram_ids.size()), 0});
        const uint32_t* words = w.word_ids.data() + span.begin;
        // A 1-gram's id is its word id. The n-gram starting at i extends the (n-1)-gram starting at i.
        w.ngram_ids.insert(w.ngram_ids.end(), words, words + span.size);
        previous.assign(words, words + span.size);
        for (uint32_t n = 2; n <= 4 && n <= span.size; ++n) {
          for (uint32_t i = 0; i + n <= span.size; ++i) w.tables[n - 2].Prefetch(previous[i], words[i + n - 1]);
          for (uint32_t i = 0; i + n <= span.size; ++i) {
            previous[i] = w.tables[n - 2].Intern(previous[i], words[i + n - 1]);
            w.ngram_ids.push_back(((n - 1) << kOrderShift) | previous[i]);
          }
        }
        w.ngrams.back().size = static_cast<uint32_t>(w.ngram_ids.size()) - w.ngrams.back().begin;
      }
    }
  });
  // 4. One table per order. A prefix id is translated to its global id (of the order below) before its n-gram is
  //    looked up; ids are offset into one space (words first, then 2-, 3-, 4-grams) once every order is merged.
  {
    uint32_t offsets[3];
    uint32_t next = vocabulary_size;
    for (int order = 0; order < 3; ++order) {
      PairTable global;
      for (Worker& w : workers) {
        const auto& keys = w.tables[order].keys();
        w.ngram_remap[order].resize(keys.size());
        for (size_t i = 0; i < keys.size(); ++i) {
          const uint32_t prefix = static_cast<uint32_t>(keys[i] >> 32), word = static_cast<uint32_t>(keys[i]);
          const uint32_t global_prefix = order == 0 ? prefix : w.ngram_remap[order - 1][prefix];
          w.ngram_remap[order][i] = global.Intern(global_prefix, word);
        }
      }
      offsets[order] = next;
      next += static_cast<uint32_t>(global.keys().size());
    }
    for (Worker& w : workers) {
      for (int order = 0; order < 3; ++order) {
        for (uint32_t& id : w.ngram_remap[order]) id += offsets[order];
      }
    }
    data->n_ngrams = next;
  }
  // 5. Global n-gram ids, and everything concatenated in image order.
  internal::ParallelRanges(workers.size(), n_threads, [&](size_t begin, size_t end, int) {
    for (size_t t = begin; t < end; ++t) {
      Worker& w = workers[t];
      for (uint32_t& id : w.ngram_ids) {
        const uint32_t order = id >> kOrderShift;
        if (order > 0) id = w.ngram_remap[order - 1][id & kLocalMask];
      }
    }
  });
  const auto append = [](std::vector<Span>* spans, std::vector<uint32_t>* ids, const std::vector<Span>& more_spans,
                         const std::vector<uint32_t>& more_ids) {
    const uint32_t offset = static_cast<uint32_t>(ids->size());
    for (Span s : more_spans) spans->push_back({s.begin + offset, s.size});
    ids->insert(ids->end(), more_ids.begin(), more_ids.end());
  };
  for (Worker& w : workers) {
    append(&data->words, &data->word_ids, w.words, w.word_ids);
    append(&data->rouge_words, &data->rouge_ids, w.rouge, w.rouge_ids);
    append(&data->ngrams, &data->ngram_ids, w.ngrams, w.ngram_ids);
    w = Worker();
  }
  CaptionCorpus corpus;
  corpus.data_ = std::move(data);
  return corpus;
}

namespace {
// numpy's pairwise_sum (numpy/core/src/umath/loops_utils.h.src), unrolled by 8 with blocks of 128.
double PairwiseSum(const double* a, size_t n) {
  if (n < 8) {
    double sum = 0.;
    for (size_t i = 0; i < n; ++i) sum += a[i];
    return sum;
  }
  if (n <= 128) {
    double r[8];
    for (int k = 0; k < 8; ++k) r[k] = a[k];
    size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (int k = 0; k < 8; ++k) r[k] += a[i + k];
    }
    double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) sum += a[i];
    return sum;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return PairwiseSum(a, n2) + PairwiseSum(a + n2, n - n2);
}
}  // namespace

double NumpyMean(const std::vector<double>& values) {
  if (values.empty()) return 0.0;
  return (0.0 + PairwiseSum(values.data(), values.size())) / static_cast<double>(values.size());
}

}  // namespace mgrs::metrics
