// Meteor 1.5's aligner and scorer (research/metrics.md sections 4.5-4.7): candidate matches from the exact,
// stem, synonym and paraphrase modules, pre-selection, the beam search with Meteor's ranking and distance
// quirks, and the statistics of the chosen alignment.
#include <libstemmer.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "meteor_tables.h"
#include "mgrs/metrics/meteor.h"
#include "parallel.h"
#include "unicode.h"

namespace mgrs::metrics {
namespace {

// What the aligner needs to know about one distinct (normalised, lower-cased) word.
struct WordFacts {
  std::string text;
  int32_t hash = 0;       // Java String.hashCode: Meteor's word identity
  int32_t stem_hash = 0;  // hash of the Snowball stem
  bool function_word = false;
  std::vector<int32_t> synsets;  // S(w), sorted
};

struct Candidate {
  int ref_start, ref_len, hyp_start, hyp_len, module;
};

// The 20 morphy detachment rules (nouns, verbs, adjectives) in Meteor's order.
constexpr std::pair<const char*, const char*> kMorphRules[] = {
    {"s", ""},    {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"},
    {"ies", "y"}, {"s", ""},    {"ies", "y"}, {"es", "e"},  {"es", ""},     {"ed", "e"},    {"ed", ""},
    {"ing", "e"}, {"ing", ""},  {"er", ""},   {"est", ""},  {"er", "e"},    {"est", "e"}};

size_t Utf16Length(std::string_view text) {
  size_t n = 0, pos = 0;
  while (pos < text.size()) n += internal::DecodeUtf8(text, &pos) >= 0x10000 ? 2 : 1;
  return n;
}

bool Intersects(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) return true;
    if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return false;
}

// The pieces of Meteor's "SCORE ||| ... ||| ..." line: split at every "|||", each piece trimmed of characters
// <= U+0020 (Java's String.trim).
std::string_view JavaTrim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= 0x20) s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= 0x20) s.remove_suffix(1);
  return s;
}

}  // namespace

struct MeteorScorer::Impl {
  std::shared_ptr<const MeteorData> data;
  const MeteorData::Tables& tables;
  sb_stemmer* stemmer;
  std::unordered_map<std::string, uint32_t> word_ids;
  std::vector<WordFacts> words;

  explicit Impl(std::shared_ptr<const MeteorData> d)
      : data(std::move(d)), tables(data->tables()), stemmer(sb_stemmer_new("english", "UTF_8")) {}
  ~Impl() { sb_stemmer_delete(stemmer); }

  const std::vector<int32_t>* Synsets(const std::string& word) const {
    const auto it = tables.synsets.find(word);
    return it == tables.synsets.end() ? nullptr : &it->second;
  }

  uint32_t Word(const std::string& text) {
    const auto [it, inserted] = word_ids.emplace(text, static_cast<uint32_t>(words.size()));
    if (!inserted) return it->second;
    WordFacts f;
    f.text = text;
    f.hash = internal::JavaHashUtf8(text);
    const sb_symbol* stem =
        sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(text.data()), static_cast<int>(text.size()));
    f.stem_hash = stem ? internal::JavaHashUtf8(std::string_view(reinterpret_cast<const char*>(stem),
                                                                 static_cast<size_t>(sb_stemmer_length(stemmer))))
                       : f.hash;
    f.function_word = tables.function_words.count(text) > 0;
    // S(w) = SYN(w) + BASE(w): bases from the exceptions file, else the first morphy rule that gives a word.
    std::vector<int32_t> s;
    const auto add = [&](const std::string& w) {
      if (const auto* offsets = Synsets(w)) s.insert(s.end(), offsets->begin(), offsets->end());
    };
    add(text);
    if (const auto exc = tables.exceptions.find(text); exc != tables.exceptions.end()) {
      for (const std::string& base : exc->second) add(base);
    } else if (text.size() >= 2 && text.compare(text.size() - 2, 2, "ss") == 0) {
      add(text);
    } else if (Utf16Length(text) <= 2) {
      add(text);
    } else {
      for (const auto& [suffix, ending] : kMorphRules) {
        const size_t n = std::strlen(suffix);
        if (text.size() < n || text.compare(text.size() - n, n, suffix) != 0) continue;
        const std::string candidate = text.substr(0, text.size() - n) + ending;
        if (Synsets(candidate)) {
          add(candidate);
          break;
        }
      }
    }
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
    f.synsets = std::move(s);
    words.push_back(std::move(f));
    return it->second;
  }

  // Normalised, lower-cased tokens of one side, as word ids.
  std::vector<uint32_t> Tokens(std::string_view text) {
    const std::string normalised = internal::ToUtf8(MeteorNormalizeUtf32(internal::ToUtf32(text), tables));
    std::vector<uint32_t> out;
    size_t i = 0;
    const auto separator = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; };
    while (i < normalised.size()) {
      while (i < normalised.size() && separator(normalised[i])) ++i;
      size_t j = i;
      while (j < normalised.size() && !separator(normalised[j])) ++j;
      if (j > i) out.push_back(Word(normalised.substr(i, j - i)));
      i = j;
    }
    return out;
  }

  void AddParaphraseCandidates(const std::vector<uint32_t>& h, const std::vector<uint32_t>& r,
                               std::vector<std::vector<Candidate>>* cand) const {
    const auto phrase = [&](const std::vector<uint32_t>& side, size_t begin, size_t count) {
      std::string out;
      for (size_t k = begin; k < begin + count; ++k) {
        if (k > begin) out.push_back(' ');
        out += words[side[k]].text;
      }
      return out;
    };
    const auto occurs = [&](const std::vector<uint32_t>& side, size_t at, const std::vector<std::string>& p) {
      if (at + p.size() > side.size()) return false;
      for (size_t k = 0; k < p.size(); ++k) {
        if (words[side[at + k]].text != p[k]) return false;
      }
      return true;
    };
    const size_t max_len = tables.max_phrase_words;
    // Pass 1: reference phrases found in the reference, their paraphrases in the hypothesis.
    for (size_t j = 0; j < r.size(); ++j) {
      for (size_t len = 1; len <= max_len && j + len <= r.size(); ++len) {
        const auto it = tables.by_reference.find(phrase(r, j, len));
        if (it == tables.by_reference.end()) continue;
        for (uint32_t e : it->second) {
          const auto& entry = tables.paraphrases[e];
          for (size_t i = 0; i < h.size(); ++i) {
            if (occurs(h, i, entry.paraphrase)) {
              (*cand)[j].push_back({static_cast<int>(j), static_cast<int>(len), static_cast<int>(i),
                                    static_cast<int>(entry.paraphrase.size()), 3});
            }
          }
        }
      }
    }
    // Pass 2: reference phrases found in the hypothesis, their paraphrases in the reference.
    for (size_t i = 0; i < h.size(); ++i) {
      for (size_t len = 1; len <= max_len && i + len <= h.size(); ++len) {
        const auto it = tables.by_reference.find(phrase(h, i, len));
        if (it == tables.by_reference.end()) continue;
        for (uint32_t e : it->second) {
          const auto& entry = tables.paraphrases[e];
          for (size_t j = 0; j < r.size(); ++j) {
            if (occurs(r, j, entry.paraphrase)) {
              (*cand)[j].push_back({static_cast<int>(j), static_cast<int>(entry.paraphrase.size()), static_cast<int>(i),
                                    static_cast<int>(len), 3});
            }
          }
        }
      }
    }
  }

  MeteorStats Align(const std::vector<uint32_t>& h, const std::vector<uint32_t>& r, const MeteorParameters& p) {
    const int n = static_cast<int>(h.size()), m = static_cast<int>(r.size());
    std::vector<std::vector<Candidate>> cand(m);
    bool identical = n == m;
    for (int k = 0; identical && k < n; ++k) identical = words[h[k]].hash == words[r[k]].hash;
    for (int j = 0; j < m; ++j) {
      for (int i = 0; i < n; ++i) {
        if (words[h[i]].hash == words[r[j]].hash) cand[j].push_back({j, 1, i, 1, 0});
      }
    }
    if (!identical) {
      for (int j = 0; j < m; ++j) {
        const WordFacts& rw = words[r[j]];
        for (int i = 0; i < n; ++i) {
          const WordFacts& hw = words[h[i]];
          if (hw.stem_hash == rw.stem_hash && hw.hash != rw.hash) cand[j].push_back({j, 1, i, 1, 1});
        }
      }
      for (int j = 0; j < m; ++j) {
        const WordFacts& rw = words[r[j]];
        if (rw.synsets.empty()) continue;
        for (int i = 0; i < n; ++i) {
          const WordFacts& hw = words[h[i]];
          if (hw.hash != rw.hash && Intersects(hw.synsets, rw.synsets)) cand[j].push_back({j, 1, i, 1, 2});
        }
      }
      if (!tables.paraphrases.empty()) AddParaphraseCandidates(h, r, &cand);
    }
    std::vector<int> cov_h(n, 0), cov_r(m, 0);
    for (const auto& list : cand) {
      for (const Candidate& c : list) {
        for (int k = 0; k < c.hyp_len; ++k) ++cov_h[c.hyp_start + k];
        for (int k = 0; k < c.ref_len; ++k) ++cov_r[c.ref_start + k];
      }
    }

    // Search states: a header plus, in one arena, sel[m] (index into cand[pos], -1 = none), usedH[n], usedR[m].
    struct State {
      int score = 0, chunks = 0, next = 0, last_end = -1;
      int64_t distance = 0;
    };
    const size_t stride = static_cast<size_t>(m) * 2 + n;
    const auto sel_of = [&](std::vector<int32_t>& a, size_t s) { return a.data() + s * stride; };
    const auto used_h_of = [&](std::vector<int32_t>& a, size_t s) { return a.data() + s * stride + m; };
    const auto used_r_of = [&](std::vector<int32_t>& a, size_t s) { return a.data() + s * stride + m + n; };
    std::vector<State> states(1), next_states;
    std::vector<int32_t> arena(stride, 0), next_arena;
    std::fill(sel_of(arena, 0), sel_of(arena, 0) + m, -1);
    for (int j = 0; j < m; ++j) {
      if (cand[j].size() != 1) continue;
      const Candidate& c = cand[j][0];
      bool unique = true;
      for (int k = 0; k < c.ref_len; ++k) unique &= cov_r[c.ref_start + k] == 1;
      for (int k = 0; k < c.hyp_len; ++k) unique &= cov_h[c.hyp_start + k] == 1;
      if (!unique) continue;
      sel_of(arena, 0)[j] = 0;
      for (int k = 0; k < c.ref_len; ++k) used_r_of(arena, 0)[c.ref_start + k] = 1;
      for (int k = 0; k < c.hyp_len; ++k) used_h_of(arena, 0)[c.hyp_start + k] = 1;
    }
    const double search_weight[4] = {1.0, 0.5, 0.5, 0.5};
    const auto apply = [&](State* s, const Candidate& c) {
      // Meteor adds each side's weighted length to an int with +=, which truncates.
      s->score += static_cast<int>(c.hyp_len * search_weight[c.module]);
      s->score += static_cast<int>(c.ref_len * search_weight[c.module]);
      if (s->last_end != -1 && c.hyp_start != s->last_end) ++s->chunks;
      s->next = c.ref_start + c.ref_len;
      s->last_end = c.hyp_start + c.hyp_len;
    };
    std::vector<size_t> order;
    const auto rank = [&](std::vector<State>& list) {
      order.resize(list.size());
      for (size_t k = 0; k < order.size(); ++k) order[k] = k;
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const State &x = list[a], &y = list[b];
        if (x.score != y.score) return x.score > y.score;
        if (x.chunks != y.chunks) return x.chunks < y.chunks;
        return x.distance < y.distance;
      });
    };
    const size_t beam = static_cast<size_t>(std::max(1, p.beam_size));
    for (int pos = 0; pos <= m; ++pos) {
      rank(states);
      const size_t kept = std::min(beam, order.size());
      next_states.clear();
      next_arena.clear();
      const auto push = [&](const State& s, const int32_t* source) {
        next_states.push_back(s);
        next_arena.insert(next_arena.end(), source, source + stride);
      };
      for (size_t k = 0; k < kept; ++k) {
        State s = states[order[k]];
        int32_t* state_data = sel_of(arena, order[k]);
        int32_t* used_h = state_data + m;
        int32_t* used_r = state_data + m + n;
        if (pos == m) {
          if (s.last_end != -1) ++s.chunks;
          push(s, state_data);
          continue;
        }
        if (used_r[pos]) {
          if (pos >= s.next && state_data[pos] >= 0) {
            const Candidate& c = cand[pos][state_data[pos]];
            apply(&s, c);
            s.distance += std::abs(c.ref_start - c.hyp_start);
          }
          push(s, state_data);
          continue;
        }
        for (size_t ci = 0; ci < cand[pos].size(); ++ci) {
          const Candidate& c = cand[pos][ci];
          bool free = true;
          for (int q = 0; free && q < c.ref_len; ++q) free = !used_r[c.ref_start + q];
          for (int q = 0; free && q < c.hyp_len; ++q) free = !used_h[c.hyp_start + q];
          if (!free) continue;
          State child = s;
          apply(&child, c);
          push(child, state_data);
          int32_t* child_data = next_arena.data() + (next_states.size() - 1) * stride;
          child_data[pos] = static_cast<int32_t>(ci);
          for (int q = 0; q < c.ref_len; ++q) child_data[m + n + c.ref_start + q] = 1;
          for (int q = 0; q < c.hyp_len; ++q) child_data[m + c.hyp_start + q] = 1;
          // Meteor credits the match's distance to the parent, not to the child that holds the match.
          s.distance += std::abs(c.ref_start - c.hyp_start);
        }
        if (s.last_end != -1) {
          ++s.chunks;
          s.last_end = -1;
        }
        ++s.next;
        push(s, state_data);
      }
      states.swap(next_states);
      arena.swap(next_arena);
    }
    rank(states);
    const int32_t* best = sel_of(arena, order[0]);

    MeteorStats stats;
    stats.tst_len = n;
    stats.ref_len = m;
    for (uint32_t w : h) stats.tst_func_words += words[w].function_word;
    for (uint32_t w : r) stats.ref_func_words += words[w].function_word;
    int pos = 0, last_end = -1, chunks = 0;
    while (pos < m) {
      if (best[pos] < 0) {
        if (last_end != -1) {
          ++chunks;
          last_end = -1;
        }
        ++pos;
        continue;
      }
      const Candidate& c = cand[pos][best[pos]];
      for (int q = 0; q < c.hyp_len; ++q) {
        (words[h[c.hyp_start + q]].function_word ? stats.tst_function : stats.tst_content)[c.module] += 1;
      }
      for (int q = 0; q < c.ref_len; ++q) {
        (words[r[c.ref_start + q]].function_word ? stats.ref_function : stats.ref_content)[c.module] += 1;
      }
      if (last_end != -1 && c.hyp_start != last_end) ++chunks;
      pos = c.ref_start + c.ref_len;
      last_end = c.hyp_start + c.hyp_len;
    }
    if (last_end != -1) ++chunks;
    stats.chunks = chunks;
    for (int module = 0; module < 4; ++module) {
      stats.tst_word_matches += stats.tst_content[module] + stats.tst_function[module];
      stats.ref_word_matches += stats.ref_content[module] + stats.ref_function[module];
    }
    return stats;
  }
};

MeteorScorer::MeteorScorer(std::shared_ptr<const MeteorData> data, MeteorParameters parameters)
    : impl_(std::make_unique<Impl>(std::move(data))), parameters_(parameters) {}
MeteorScorer::~MeteorScorer() = default;
MeteorScorer::MeteorScorer(MeteorScorer&&) noexcept = default;

MeteorStats MeteorScorer::SegmentStats(std::string_view hypothesis, const std::vector<std::string>& references) {
  // coco's meteor.py: hypothesis.replace('|||', '').replace('  ', ' ').
  std::string hyp(hypothesis);
  for (size_t at; (at = hyp.find("|||")) != std::string::npos;) hyp.erase(at, 3);
  {
    std::string single;
    for (size_t i = 0; i < hyp.size(); ++i) {
      single.push_back(hyp[i]);
      if (hyp[i] == ' ' && i + 1 < hyp.size() && hyp[i + 1] == ' ') ++i;
    }
    hyp.swap(single);
  }
  const std::vector<uint32_t> h = impl_->Tokens(JavaTrim(hyp));
  MeteorStats best;
  double best_score = -1;
  bool first = true;
  for (const std::string& reference : references) {
    std::string_view rest(reference);
    while (true) {
      const size_t bar = rest.find("|||");
      const std::string_view piece = JavaTrim(rest.substr(0, bar));
      const MeteorStats stats = impl_->Align(h, impl_->Tokens(piece), parameters_);
      const double score = MeteorScoreFromStats(stats, parameters_);
      if (first || score > best_score) {
        best = stats;
        best_score = score;
        first = false;
      }
      if (bar == std::string_view::npos) break;
      rest.remove_prefix(bar + 3);
    }
  }
  return best;
}

MeteorResult CorpusMeteor(const std::vector<CaptionItem>& items, std::shared_ptr<const MeteorData> data, int threads,
                          const MeteorParameters& parameters) {
  MeteorResult result;
  result.per_image.resize(items.size());
  result.per_image_stats.resize(items.size());
  internal::ParallelRanges(items.size(), threads, [&](size_t begin, size_t end, int) {
    MeteorScorer scorer(data, parameters);
    for (size_t i = begin; i < end; ++i) {
      result.per_image_stats[i] = scorer.SegmentStats(items[i].hypothesis, items[i].references);
      result.per_image[i] = MeteorScoreFromStats(result.per_image_stats[i], parameters);
    }
  });
  result.corpus = MeteorScoreFromStats(SumMeteorStats(result.per_image_stats), parameters);
  return result;
}

}  // namespace mgrs::metrics
