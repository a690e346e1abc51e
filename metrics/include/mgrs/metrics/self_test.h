// A quick check, run by `mgrs-score --self-test`, that the metrics give their published values on this machine.
#pragma once

#include <string>

#include "mgrs/core/status.h"

namespace mgrs::metrics {

// Scores built-in cases with known values: coco-caption's test_metrics.py (BLEU "Bleu 2", CIDEr "Cider 2",
// ROUGE-L of the commented-out set), a PTB tokenizer case, and METEOR 1.5 segments from research/metrics.md
// section 4.9 (needs the METEOR data; `meteor_data` as for --meteor-data). On success *summary holds one line
// per check; on failure the Status names the first value that differs.
Status MetricsSelfTest(const std::string& meteor_data, std::string* summary);

}  // namespace mgrs::metrics
