// Helpers of the augmentation tests: the real fixtures ingested into scratch catalogs, their images as
// SourceImages, and small synthetic scenes.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "mgrs/augment/augment.h"

namespace mgrs::augment::testing_helpers {

// DOTA devkit_example ingested (only P1888 has its image) into <scratch>/catalog.sqlite; returns the catalog path.
std::string IngestP1888(const std::string& scratch);
// A DIOR-RSVG tree around the real DIOR image 00001.jpg with SYNTHETIC objects and expressions (see the .cpp),
// ingested into <scratch>/catalog.sqlite; returns the catalog path.
std::string IngestRsvgScene(const std::string& scratch);
// The catalog's parent images of `dataset` with their annotations and files (through mgrs::catalog).
std::vector<SourceImage> LoadSources(const std::string& catalog_path, const std::string& dataset);

// A textured background (seeded noise over a gradient), 8-bit BGR.
cv::Mat Background(int width, int height, uint64_t seed);
Object MakeObject(int64_t id, const std::string& class_key, Box box);
// Paints a textured block of `bgr` colour inside the object's polygon.
void Paint(cv::Mat& image, const Object& object, cv::Scalar bgr, uint64_t seed);

// Union of the objects' masks.
cv::Mat UnionMask(const std::vector<Object>& objects, cv::Size size);

}  // namespace mgrs::augment::testing_helpers
