// Short-answer scoring rules of the remote-sensing benchmarks (research/metrics.md sections 9.1-9.3): EvalAI's
// VQA normalisation, VRSBench's substring rule, EarthDial's token recall, the classification normalisations,
// and the first integer of a counting answer.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mgrs/core/status.h"

namespace mgrs::metrics {

// The EvalAI / VQA answer processor (EvalAIAnswerProcessor, as LHRS-Bot's main_vqa.py uses it), bit for bit:
// lower-case; drop , and ?; 's -> ' 's; strip; tabs/newlines to spaces; each of ; / [ ] " { } ( ) = + \ _ - > < @ `
// ! deleted when it touches a space and replaced by a space otherwise; at most 32 dots not followed by a digit
// removed (re.sub's count argument receives re.UNICODE); number words none/zero..ten to digits; a/an/the dropped;
// contractions restored (isnt -> isn't).
std::string EvalAiNormalize(std::string_view answer);

enum class VqaMode {
  kExact,        // lower-case and trim both sides, then equality
  kVqa,          // EvalAiNormalize both sides, then equality (mgrs default)
  kLhrsBot,      // LHRS-Bot: normalised prediction equals the raw target, or is a substring of it (empty scores 1)
  kContains,     // VRSBench: lower-cased target is a substring of the lower-cased prediction (no GPT judge)
  kTokenRecall,  // EarthDial: |set(ref tokens) & set(pred tokens)| / |ref tokens| after removing spaces
};
Result<VqaMode> ParseVqaMode(const std::string& name);  // exact | vqa | lhrsbot | contains | token_recall
const char* VqaModeName(VqaMode mode);

// The score of one answer in [0, 1] (1 or 0 except for token recall).
double VqaAnswerScore(const std::string& prediction, const std::string& truth, VqaMode mode);

// EarthDial's token recall (evaluate_f1 of rs_vqa/eval.py and rs_classification/eval.py): both sides
// .strip().lower().replace(" ", "") (Python's str methods), tokenized by NltkWordTokenize (nltk_words.h), then
// |set(truth tokens) & set(prediction tokens)| / len(truth tokens), 0 when nothing is shared.
double TokenRecall(const std::string& prediction, const std::string& truth);

enum class ClassificationMode {
  kExact,        // mgrs: lower-case, '_' and '-' to spaces, other punctuation removed, spaces collapsed
  kLowercase,    // lower-case equality (SkySenseGPT single-label, Qwen-VL, MiniGPT-v2); multi-label when the
                 // label has commas: TP/FP/FN over comma-separated classes
  kNoSpace,      // GeoChat: spaces and dots removed, lower-case
  kContains,     // VRSBench
  kTokenRecall,  // EarthDial
  kLcs,          // LHRS-Bot: exact class name, else the class with the longest common substring
};
Result<ClassificationMode> ParseClassificationMode(const std::string& name);
const char* ClassificationModeName(ClassificationMode mode);

// mgrs's class normalisation: "Dense_Residential." -> "dense residential".
std::string NormaliseClassName(std::string_view text);

// LHRS-Bot's classname_2_idx: the index of the class whose name (lower-cased, '_' -> ' ') equals the stripped
// prediction, else the class with the longest common substring (difflib's find_longest_match; the first maximum
// wins). -1 when `classes` is empty.
int LcsClass(const std::string& prediction, const std::vector<std::string>& classes);
// Length of the longest common substring of two strings (bytes).
size_t LongestCommonSubstring(std::string_view a, std::string_view b);

// The first integer in an answer, as digits ("37", "1,024") or English number words ("seven", "twenty-one",
// "none"); nullopt when there is none.
std::optional<int64_t> FirstInteger(std::string_view answer);

}  // namespace mgrs::metrics
