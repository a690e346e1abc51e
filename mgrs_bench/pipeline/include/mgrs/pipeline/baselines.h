// Trivial answers to any Sample test set, learned from its training set alone: the floor a trained model must
// clear (the pipeline's report shows them beside the model).
#pragma once

#include <map>
#include <string>

#include "mgrs/core/status.h"
#include "mgrs/instruct/box_text.h"

namespace mgrs::pipeline {

// Writes one prediction per test sample to `out_path`: classification the majority class, counting the most
// frequent count, caption the most frequent caption, VQA the most frequent answer of the question's type, grounding
// a box of the training targets' mean size centred in the image (in `box_format`). Returns, per task, the rule and
// the answer it gave ("majority class: parking lot"). Errors: an unreadable or invalid sample file (file and
// line), a write error.
Result<std::map<std::string, std::string>> WriteBaselinePredictions(const std::string& train_path,
                                                                    const std::string& test_path,
                                                                    instruct::BoxFormat box_format,
                                                                    const std::string& out_path);

}  // namespace mgrs::pipeline
