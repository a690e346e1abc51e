// Augmentation test helpers (see augment_helpers.h).
#include "augment_helpers.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <opencv2/imgproc.hpp>

#include "ingest_helpers.h"
#include "mgrs/augment/regions.h"
#include "mgrs/augment/rng.h"
#include "test_support.h"

namespace mgrs::augment::testing_helpers {

std::string IngestP1888(const std::string& scratch) {
  auto options =
      ingest::testing_helpers::OptionsFor(scratch, "dota", testing::SharedFile("fixtures/dota/devkit_example"));
  const auto summary = ingest::testing_helpers::MustIngest(options);
  EXPECT_EQ(summary.images, 1);  // only P1888 has its image in the fixture
  return options.catalog_path;
}

std::string IngestRsvgScene(const std::string& scratch) {
  // SYNTHETIC annotations over the real DIOR 00001.jpg (800x800, a golf course): five objects with referring
  // expressions, global indices 0-4 all in train.
  const std::string tree = scratch + "/rsvg";
  std::filesystem::create_directories(tree + "/Annotations");
  std::filesystem::create_directories(tree + "/JPEGImages");
  std::filesystem::copy_file(testing::SharedFile("fixtures/dior/JPEGImages/00001.jpg"), tree + "/JPEGImages/00001.jpg");
  std::ofstream(tree + "/train.txt") << "0\n1\n2\n3\n4\n";
  struct Spec {
    const char* name;
    int x1, y1, x2, y2;
    const char* text;
  };
  const Spec specs[] = {
      {"vehicle", 40, 50, 80, 90, "the white vehicle at the top left"},
      {"vehicle", 700, 60, 740, 100, "the vehicle on the right"},
      {"vehicle", 380, 380, 420, 420, "the gray vehicle in the middle"},
      {"vehicle", 60, 700, 100, 740, "the vehicle at the bottom left corner"},
      {"tree", 600, 600, 680, 680, "the green tree to the left of the road"},
  };
  std::ostringstream xml;
  xml << "<annotation><filename>00001.jpg</filename><size><width>800</width><height>800</height><depth>3</depth>"
         "</size>";
  for (const Spec& s : specs) {
    xml << "<object><name>" << s.name << "</name><bndbox><xmin>" << s.x1 << "</xmin><ymin>" << s.y1 << "</ymin><xmax>"
        << s.x2 << "</xmax><ymax>" << s.y2 << "</ymax></bndbox><description>" << s.text << "</description></object>";
  }
  xml << "</annotation>\n";
  std::ofstream(tree + "/Annotations/00001.xml") << xml.str();
  auto options = ingest::testing_helpers::OptionsFor(scratch, "dior-rsvg", tree);
  const auto summary = ingest::testing_helpers::MustIngest(options);
  EXPECT_EQ(summary.objects_accepted, 5);
  return options.catalog_path;
}

std::vector<SourceImage> LoadSources(const std::string& catalog_path, const std::string& dataset) {
  std::vector<SourceImage> out;
  auto catalog = catalog::Catalog::Open(catalog_path, catalog::Catalog::Mode::kReadOnly);
  EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
  if (!catalog.ok()) return out;
  const auto info = (*catalog)->FindDataset(dataset);
  const auto images = (*catalog)->Images(dataset);
  for (const Image& image : *images) {
    if (!image.parent_id.empty()) continue;
    SourceImage source;
    source.image = image;
    source.file = (std::filesystem::path((*info)->root) / image.path).string();
    source.objects = *(*catalog)->Objects(image.id);
    source.expressions = *(*catalog)->Expressions(image.id);
    out.push_back(std::move(source));
  }
  return out;
}

cv::Mat Background(int width, int height, uint64_t seed) {
  cv::Mat image(height, width, CV_8UC3);
  Rng rng(seed, "background");
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const int noise = static_cast<int>(rng.UniformInt(-12, 12));
      image.at<cv::Vec3b>(y, x) =
          cv::Vec3b(cv::saturate_cast<uchar>(70 + x * 40 / width + noise),
                    cv::saturate_cast<uchar>(95 + y * 30 / height + noise), cv::saturate_cast<uchar>(80 + noise));
    }
  }
  return image;
}

Object MakeObject(int64_t id, const std::string& class_key, Box box) {
  Object o;
  o.id = id;
  o.raw_class = class_key;
  o.class_key = class_key;
  o.hbb = box;
  return o;
}

void Paint(cv::Mat& image, const Object& object, cv::Scalar bgr, uint64_t seed) {
  const cv::Mat mask = ObjectMask(object, image.size());
  Rng rng(seed, "paint");
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) {
      if (!mask.at<uchar>(y, x)) continue;
      // Shading across the object plus grain: the texture a transfer must keep.
      const double shade = 0.85 + 0.3 * ((x + y) % 17) / 17.0;
      const int grain = static_cast<int>(rng.UniformInt(-6, 6));
      for (int c = 0; c < 3; ++c) image.at<cv::Vec3b>(y, x)[c] = cv::saturate_cast<uchar>(bgr[c] * shade + grain);
    }
  }
}

cv::Mat UnionMask(const std::vector<Object>& objects, cv::Size size) {
  cv::Mat mask = cv::Mat::zeros(size, CV_8UC1);
  for (const Object& o : objects) FillObject(mask, o);
  return mask;
}

}  // namespace mgrs::augment::testing_helpers
