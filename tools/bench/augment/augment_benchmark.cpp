// Augmentation cost on generated 800x800 scenes (seeded): one cutout variant, a spatial edit for 40/80/100/160 px
// objects, a colour edit (compute only, no decoding or encoding), the PNG decode and encode of one image, and a
// whole `RunAugment` cutout run with --jobs 2 over a generated DOTA tree, I/O included.
// Usage: mgrs_augment_benchmark [--dir /tmp/mgrs-augment-bench] [--images 24] [--repeats 30] [--jobs 2]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "mgrs/augment/augment.h"
#include "mgrs/augment/regions.h"
#include "mgrs/ingest/ingest.h"
#include "mgrs/raster/raster.h"

namespace {

namespace fs = std::filesystem;
using namespace mgrs;
using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point start) { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); }

// Median of `repeats` timings of `work` in milliseconds.
double MedianMs(int repeats, const std::function<void(int)>& work) {
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    const auto start = Clock::now();
    work(i);
    times.push_back(Ms(start));
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// Ground with texture (seeded noise over a gradient) and `count` rotated vehicles of 20-40 px.
struct Scene {
  cv::Mat pixels;
  std::vector<Object> objects;
};

Scene MakeScene(uint64_t seed, int count) {
  augment::Rng rng(seed, "scene");
  Scene scene{cv::Mat(800, 800, CV_8UC3), {}};
  cv::randu(scene.pixels, cv::Scalar::all(60), cv::Scalar::all(120));
  cv::GaussianBlur(scene.pixels, scene.pixels, cv::Size(5, 5), 1.5);
  for (int i = 0; i < count; ++i) {
    const double cx = rng.Uniform(40, 760), cy = rng.Uniform(40, 760), w = rng.Uniform(20, 40), h = w / 2;
    const double a = rng.Uniform(0, 3.14159), c = std::cos(a), s = std::sin(a);
    Object o;
    o.id = i + 1;
    o.raw_class = o.class_key = "small-vehicle";
    Quad q;
    const double dx[4] = {-w / 2, w / 2, w / 2, -w / 2}, dy[4] = {-h / 2, -h / 2, h / 2, h / 2};
    for (int k = 0; k < 4; ++k) q[k] = Point{cx + dx[k] * c - dy[k] * s, cy + dx[k] * s + dy[k] * c};
    o.quad = q;
    o.hbb = BoundingBox(q);
    scene.objects.push_back(o);
    const cv::Mat mask = augment::ObjectMask(o, scene.pixels.size());
    scene.pixels.setTo(cv::Scalar(rng.UniformInt(0, 255), rng.UniformInt(0, 255), rng.UniformInt(0, 255)), mask);
  }
  return scene;
}

void BenchCutout(int repeats) {
  const Scene scene = MakeScene(1, 60);
  const augment::CutoutOptions options;
  int variants = 4;
  const double ms = MedianMs(repeats, [&](int i) {
    augment::Rng rng(static_cast<uint64_t>(i), "cutout");
    variants = static_cast<int>(
        augment::MakeCutoutVariants(scene.pixels, scene.objects, "small-vehicle", options, rng).variants.size());
  });
  std::printf("cutout: 60 objects, %d variants per image: %.2f ms per image, %.2f ms per variant\n", variants, ms,
              ms / variants);
}

void BenchSpatial(int repeats) {
  for (const int size : {40, 80, 100, 160}) {
    Scene scene = MakeScene(2, 20);
    Object target;
    target.id = 1000;
    target.raw_class = target.class_key = "vehicle";
    target.hbb = Box{60, 60, 60.0 + size, 60.0 + size * 0.6};
    // Keep the scene's other objects off the target.
    scene.objects.erase(
        std::remove_if(scene.objects.begin(), scene.objects.end(),
                       [&](const Object& o) { return BoxIou(o.hbb, target.hbb) > 0 || o.hbb.x1 < 300; }),
        scene.objects.end());
    scene.pixels(cv::Rect(60, 60, size, static_cast<int>(size * 0.6))).setTo(cv::Scalar(220, 220, 225));
    scene.objects.push_back(target);
    const Expression expression{1000, "bench", "the white vehicle at the top left"};
    std::string reason;
    const double ms = MedianMs(repeats, [&](int i) {
      augment::Rng rng(static_cast<uint64_t>(i), "spatial");
      reason =
          augment::SpatialEdit(scene.pixels, scene.objects, expression, augment::SpatialOptions{}, rng).skip_reason;
    });
    std::printf("spatial edit: %3d px object: %.2f ms%s\n", size, ms,
                reason.empty() ? "" : (" (skipped: " + reason + ")").c_str());
  }
}

void BenchColour(int repeats) {
  Scene scene = MakeScene(3, 10);
  Object target;
  target.id = 1000;
  target.raw_class = target.class_key = "vehicle";
  target.hbb = Box{300, 300, 380, 348};
  scene.pixels(cv::Rect(300, 300, 80, 48)).setTo(cv::Scalar(220, 220, 225));
  scene.objects = {target};
  const Expression expression{1000, "bench", "the white vehicle"};
  const double ms = MedianMs(repeats, [&](int i) {
    augment::Rng rng(static_cast<uint64_t>(i), "colour");
    (void)augment::ColourEdit(scene.pixels, scene.objects, expression, augment::ColourOptions{}, rng);
  });
  std::printf("colour edit: 80x48 px object: %.2f ms\n", ms);
}

void BenchCodec(const std::string& dir, int repeats) {
  const Scene scene = MakeScene(4, 60);
  const std::string path = dir + "/codec.png";
  const double write = MedianMs(repeats, [&](int) { (void)raster::WritePixels(path, scene.pixels); });
  const double read = MedianMs(repeats, [&](int) { (void)raster::ReadPixels(path); });
  std::printf("png 800x800 (raster::WritePixels, atomic): encode+write %.1f ms, read+decode %.1f ms, %.0f KiB\n", write,
              read, fs::file_size(path) / 1024.0);
}

// A DOTA tree of `images` scenes (PNG + labelTxt), ingested, then one cutout run with `jobs` workers.
void BenchRun(const std::string& dir, int images, int jobs) {
  fs::remove_all(dir + "/tree");
  fs::create_directories(dir + "/tree/images");
  fs::create_directories(dir + "/tree/labelTxt");
  for (int i = 0; i < images; ++i) {
    const Scene scene = MakeScene(100 + static_cast<uint64_t>(i), 40);
    char stem[32];
    std::snprintf(stem, sizeof stem, "P%04d", i);
    (void)raster::WritePixels(dir + "/tree/images/" + stem + ".png", scene.pixels);
    std::ofstream labels(dir + "/tree/labelTxt/" + stem + ".txt");
    labels << "imagesource:GoogleEarth\ngsd:0.3\n";
    for (const Object& o : scene.objects) {
      for (const Point& p : *o.quad) labels << p.x << " " << p.y << " ";
      labels << "small-vehicle 0\n";
    }
  }
  ingest::IngestOptions ingest;
  ingest.catalog_path = dir + "/catalog.sqlite";
  ingest.format = "dota";
  ingest.root = dir + "/tree";
  fs::remove(ingest.catalog_path);
  auto ingested = ingest::Ingest(ingest);
  if (!ingested.ok()) {
    std::cerr << "ingest failed: " << ingested.status().ToString() << "\n";
    std::exit(1);
  }
  augment::AugmentOptions options;
  options.catalog_path = ingest.catalog_path;
  options.dataset = "dota";
  options.out_dir = dir + "/out";
  options.seed = 1;
  options.jobs = jobs;
  fs::remove_all(options.out_dir);
  const auto start = Clock::now();
  auto summary = augment::RunAugment(options);
  const double seconds = Ms(start) / 1000.0;
  if (!summary.ok()) {
    std::cerr << "augment failed: " << summary.status().ToString() << "\n";
    std::exit(1);
  }
  std::printf(
      "whole run (cutout, --jobs %d, %d images of 800x800, 40 objects each): %.2f s, %.2f images/s, "
      "%.1f derived images/s (%lld written)\n",
      jobs, images, seconds, images / seconds, summary->variants_written / seconds,
      static_cast<long long>(summary->variants_written));
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "/tmp/mgrs-augment-bench";
  int images = 24, repeats = 30, jobs = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--dir"))
      dir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--images"))
      images = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--repeats"))
      repeats = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--jobs"))
      jobs = std::atoi(argv[i + 1]);
    else {
      std::cerr << "usage: mgrs_augment_benchmark [--dir D] [--images N] [--repeats N] [--jobs N]\n";
      return 2;
    }
  }
  fs::create_directories(dir);
  BenchCutout(repeats);
  BenchSpatial(repeats);
  BenchColour(repeats);
  BenchCodec(dir, std::max(3, repeats / 5));
  BenchRun(dir, images, jobs);
  return 0;
}
