// NLTK 3.8's English word tokenization, ported to agree with it token for token: NLTKWordTokenizer (what
// nltk.word_tokenize runs on each sentence) and the Punkt sentence splitter that word_tokenize runs first.
// Character classes are Python 3.11's (Unicode 14.0). Vectors: tests/metrics/golden/make_nltk_vectors.py.
// All functions take and return UTF-8 (invalid bytes read as U+FFFD), keep no state and are thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mgrs::metrics {

// NLTKWordTokenizer().tokenize(text) with convert_parentheses off, which is also
// nltk.word_tokenize(text, preserve_line=True): the starting-quote, punctuation, bracket, double-dash,
// ending-quote and MacIntyre contraction rules (CONTRACTIONS2 and 3), then a split on whitespace.
std::vector<std::string> NltkTreebankTokenize(std::string_view text);

// PunktSentenceTokenizer().tokenize(text): Punkt with empty parameters (no abbreviations, collocations,
// sentence starters or orthographic contexts), with its boundary realignment. nltk.word_tokenize loads the
// English model (tokenizers/punkt/english.pickle) instead, which Debian does not ship; the two split the same
// text alike except after a word that model lists as an abbreviation (and, before whitespace, after an
// abbreviation, initial or number, where it consults what it learnt about the next word).
std::vector<std::string> PunktSentences(std::string_view text);

// nltk.word_tokenize(text) with the untrained Punkt of PunktSentences: NltkTreebankTokenize of each sentence.
std::vector<std::string> NltkWordTokenize(std::string_view text);

}  // namespace mgrs::metrics
