// Reading a file of Samples (JSON Lines, docs/formats.md): the loop that the trainer, the evaluator, `skymoe init`
// and the pipeline's baselines share, each with its own policy for bad lines.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "mgrs/core/diagnostic.h"
#include "mgrs/core/sample.h"
#include "mgrs/core/status.h"

namespace mgrs {

// Calls `on_sample` with each Sample of the file at `path`, in order, with its 1-based line number, and `on_bad`
// with a Diagnostic for each line that is not one: BAD_JSON and the other codes of JsonlReader, or BAD_SAMPLE (the
// line is JSON, not a Sample; the diagnostic names the field and keeps the line). Reading stops at the first error
// either callback returns, and that error is returned; otherwise the file's read error, if any.
Status ForEachSample(const std::string& path, const std::function<Status(Sample&& sample, int64_t line)>& on_sample,
                     const std::function<Status(const Diagnostic& bad)>& on_bad);

}  // namespace mgrs
