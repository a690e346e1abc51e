// Helpers shared by the metrics tests: the coco demo set and JSON files from tests/data.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mgrs/metrics/caption_corpus.h"
#include "test_support.h"

namespace mgrs::metrics::testing {

inline nlohmann::json ReadSharedJson(const std::string& relative) {
  std::ifstream in(mgrs::testing::SharedFile(relative));
  return nlohmann::json::parse(in);
}

// The coco demo set (research/metrics.md 7.1): 1,000 images, PTB-tokenized hypothesis and references.
inline std::vector<CaptionItem> CocoDemoItems() {
  std::vector<CaptionItem> items;
  for (const auto& x : ReadSharedJson("vectors/coco_fakecap_1000_tokenized.json")) {
    CaptionItem item{x["test"].get<std::string>(), {}};
    for (const auto& r : x["refs"]) item.references.push_back(r.get<std::string>());
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace mgrs::metrics::testing
