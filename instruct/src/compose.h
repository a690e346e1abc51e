// From every candidate to the two files: split by image, de-duplication, and the draw of each task and source's
// target count. Private to instruct.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "generate.h"

namespace mgrs::instruct {

struct Composition {
  std::vector<Candidate> train, test;  // in draw order (a seeded shuffle)
  std::vector<std::string> shortfalls;
  nlohmann::ordered_json available;  // side -> task -> source -> {"available", "target", "selected"}
};

// `candidates` in image order; `test_images` holds the images (Candidate::image) of the test side: a train
// candidate on one of them is dropped, so no image is on both sides.
Composition Compose(std::vector<Candidate> candidates, const std::unordered_set<uint64_t>& test_images,
                    const InstructConfig& config, Skips* skips);

}  // namespace mgrs::instruct
