// The PTB tokenizer step of coco-caption (Stanford CoreNLP 3.4.1 PTBTokenizer -preserveLines -lowerCase, then
// coco's 17-string punctuation filter), reimplemented for the cases research/metrics.md section 2 lists.
#pragma once

#include <string>
#include <string_view>

namespace mgrs::metrics {

// Appends the PTB tokens of `text`, lower-cased and separated by single spaces, to *out (nothing before the
// first or after the last token). Newlines count as spaces (coco replaces them before tokenizing). Brackets
// become -lrb- / -rrb- / -lsb- / -rsb- / -lcb- / -rcb-, double quotes `` and '', clitics are split (is n't,
// it 's, ca n't), numbers keep their inner . , :, abbreviations (mr. st. u.s. e.g. a.m. etc.) keep their dot,
// and cannot / gonna / wanna / gotta are split. Deterministic, thread-safe, no allocation besides *out.
// Approximation: CoreNLP's full lexer has more rules (URLs, e-mail addresses, emoticons, SGML); those inputs
// can tokenize differently (docs/metrics.md).
void PtbTokenize(std::string_view text, std::string* out);

// True for the 17 strings coco-caption's tokenizer drops: '' ' `` ` -LRB- -RRB- -LCB- -RCB- . ? ! , : - -- ... ;
// The match is exact and case-sensitive, so the lower-case -lrb- tokens that PTBTokenizer -lowerCase writes
// survive, as they do in coco-caption.
bool IsCocoPunctuation(std::string_view token);

// coco-caption's tokenization of one caption: PtbTokenize, then the tokens of IsCocoPunctuation removed, joined
// by single spaces. The result is what coco's scorers receive.
void CocoTokenize(std::string_view text, std::string* out);
std::string CocoTokenize(std::string_view text);

}  // namespace mgrs::metrics
