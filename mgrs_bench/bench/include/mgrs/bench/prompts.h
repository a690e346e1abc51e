// Prompts per task and granularity (manifests/bench/prompts.json): several phrasings, each a question (human) and
// the template annotator's answer (gpt) with {field} placeholders (instruct::Render). Fields are checked when the
// file is loaded, so a typo is refused before any item is built.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "mgrs/core/status.h"
#include "mgrs/instruct/templates.h"

namespace mgrs::bench {

// The placeholders a prompt of `task` and `granularity` may use.
const std::vector<std::string>& PromptFields(const std::string& task, const std::string& granularity);

class PromptSet {
 public:
  // {"<task>": {"<granularity>" or "*": [{"name"?, "human", "gpt"}, ...]}}. kParseError names the file, task,
  // granularity and index for an unknown task or granularity, an unknown field or an unbalanced brace; kNotFound
  // when a task of BenchTasks() has a granularity with no prompt (neither its own nor "*").
  static Result<PromptSet> Parse(const std::string& text, const std::string& origin);
  static Result<PromptSet> Load(const std::string& path);

  // The prompts of (task, granularity), else of (task, "*"); never empty after a successful Parse.
  const std::vector<instruct::Template>& Of(const std::string& task, const std::string& granularity) const;

 private:
  std::map<std::pair<std::string, std::string>, std::vector<instruct::Template>> prompts_;
};

}  // namespace mgrs::bench
