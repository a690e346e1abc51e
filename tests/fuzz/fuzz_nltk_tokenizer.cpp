// libFuzzer harness: NLTK's word tokenizer (Punkt sentences, then the Treebank word rules) as the VQA and
// token-recall metrics use it.
#include <string_view>

#include "mgrs/metrics/nltk_words.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)mgrs::metrics::NltkWordTokenize(text);
  (void)mgrs::metrics::NltkTreebankTokenize(text);
  (void)mgrs::metrics::PunktSentences(text);
  return 0;
}
