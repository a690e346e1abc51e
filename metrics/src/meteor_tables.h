// The loaded form of Meteor's English resources, shared by the normaliser and the aligner. Internal.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "mgrs/metrics/meteor.h"

namespace mgrs::metrics {

struct MeteorData::Tables {
  std::unordered_set<std::string> function_words;                        // english.words
  std::unordered_set<std::u32string> prefixes_any;                       // english.prefixes, usable before any word
  std::unordered_set<std::u32string> prefixes_numeric;                   // english.prefixes marked #NUMERIC_ONLY#
  std::unordered_map<std::string, std::vector<int32_t>> synsets;         // word -> sorted synset offsets
  std::unordered_map<std::string, std::vector<std::string>> exceptions;  // inflected form -> base forms

  struct Paraphrase {
    std::vector<std::string> reference_phrase, paraphrase;
  };
  std::vector<Paraphrase> paraphrases;                                  // file order
  std::unordered_map<std::string, std::vector<uint32_t>> by_reference;  // words joined by ' ' -> entries
  size_t max_phrase_words = 0;
};

}  // namespace mgrs::metrics

namespace mgrs::metrics {
// MeteorNormalize on code points, lower-cased.
std::u32string MeteorNormalizeUtf32(std::u32string_view input, const MeteorData::Tables& tables);
}  // namespace mgrs::metrics
