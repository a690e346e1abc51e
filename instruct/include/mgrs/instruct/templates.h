// Task templates as data (manifests/templates/*.json): several phrasings per kind of sample, each a human turn and
// a gpt turn with {field} placeholders. Every field a template names is checked against its kind when the file is
// loaded, so a typo is refused before any sample is written.
#pragma once

#include <string>
#include <vector>

#include "mgrs/core/sample.h"
#include "mgrs/core/status.h"

namespace mgrs::instruct {

// The kinds of sample the generator makes, each with the task it scores as and the fields it fills.
enum class SampleKind {
  kClassification,  // {classes} {label}
  kCaption,         // {caption}
  kVqa,             // a dataset's question: {question} {answer}
  kPresence,        // {class} {a_class} {class_plural} {answer}
  kComparison,      // {class_plural} {other_plural} {answer}
  kDirection,       // {class} {answer}
  kIdentify,        // GeoChat's [identify]: {box} {answer}
  kGrounding,       // {expression} {box}
  kCounting,        // {class} {class_plural} {count}
};
constexpr int kSampleKinds = 9;

const char* SampleKindName(SampleKind kind);
Task TaskOf(SampleKind kind);
// The placeholders a template of `kind` may use.
const std::vector<std::string>& FieldsOf(SampleKind kind);

struct Template {
  std::string name;   // for messages: "<file>#<kind>[<index>]" unless the file names it
  std::string human;  // the question, without the "<image>\n" the generator puts in front
  std::string gpt;    // the answer
};

// Placeholder values for one sample (a handful: a list is cheaper to build than a map). Render leaves text outside
// braces as it is; "{{" and "}}" are literal braces; a placeholder without a value renders empty.
using Fields = std::vector<std::pair<std::string, std::string>>;
std::string Render(const std::string& text, const Fields& fields);
// The placeholder names of `text` in order, or kParseError for an unbalanced brace.
Result<std::vector<std::string>> Placeholders(const std::string& text);

class TemplateSet {
 public:
  // Reads every *.json file of `dir` (in name order). Each file: {"templates": {"<kind>": [{"name": ..., "human":
  // ..., "gpt": ...}, ...], ...}}. Fails with kParseError naming the file and template for an unknown kind, an
  // unknown field or an unbalanced brace, and with kNotFound when no file gives a kind any template.
  static Result<TemplateSet> LoadDirectory(const std::string& dir);
  // One file's text; `origin` names it in messages.
  Status AddFile(const std::string& text, const std::string& origin);

  // The templates of `kind`; empty when none were loaded.
  const std::vector<Template>& Of(SampleKind kind) const { return by_kind_[static_cast<int>(kind)]; }

 private:
  std::vector<Template> by_kind_[kSampleKinds];
};

}  // namespace mgrs::instruct
