// `mgrs instruct` on a DOTA-v2-scale catalog built here through the catalog's bulk writer (11,268 images of
// 4000x4000, 1.79 M objects over 18 classes with oriented boxes, 10% difficult; each image with 5 captions, a scene
// label and 2 questions; seeded): wall time for 251k samples with --jobs 1 and 2, split by stage, and the catalog
// scan alone. Usage: mgrs_instruct_benchmark [--dir /tmp/mgrs-instruct-bench] [--reuse] [--jobs-list 1,2]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <random>
#include <sstream>
#include <string>

#include "mgrs/catalog/bulk_writer.h"
#include "mgrs/catalog/catalog.h"
#include "mgrs/core/files.h"
#include "mgrs/instruct/instruct.h"

namespace {

namespace fs = std::filesystem;
using mgrs::Status;

constexpr int kImages = 11268;
constexpr int64_t kObjects = 1790000;
constexpr const char* kClasses[] = {
    "plane",  "baseball-diamond", "bridge",           "ground-track-field", "small-vehicle",     "large-vehicle",
    "ship",   "tennis-court",     "basketball-court", "storage-tank",       "soccer-ball-field", "roundabout",
    "harbor", "swimming-pool",    "helicopter",       "container-crane",    "airport",           "helipad"};
constexpr const char* kScenes[] = {"airport", "harbor", "parking lot", "industrial area", "residential"};

void Check(const Status& status, const char* what) {
  if (status.ok()) return;
  std::cerr << what << ": " << status.ToString() << "\n";
  std::exit(1);
}

mgrs::catalog::ImageRecord MakeImage(int k, int64_t objects, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> coord(100, 3900), side(8, 120), angle(0, 3.14159);
  std::uniform_int_distribution<int> cls(0, 17), difficult(0, 9);
  mgrs::catalog::ImageRecord record;
  char stem[16];
  std::snprintf(stem, sizeof stem, "P%05d", k);
  record.image.id = std::string("dota-v2/train/") + stem;
  record.image.dataset = "dota-v2";
  record.image.split = "train";
  record.image.path = std::string("images/") + stem + ".png";
  record.image.width = record.image.height = 4000;
  for (int64_t i = 0; i < objects; ++i) {
    const double cx = coord(rng), cy = coord(rng), w = side(rng), h = side(rng), a = angle(rng);
    const double c = std::cos(a), s = std::sin(a);
    mgrs::catalog::ObjectRecord o;
    mgrs::Quad quad;
    const double dx[4] = {-w / 2, w / 2, w / 2, -w / 2}, dy[4] = {-h / 2, -h / 2, h / 2, h / 2};
    for (int p = 0; p < 4; ++p) quad[p] = mgrs::Point{cx + dx[p] * c - dy[p] * s, cy + dx[p] * s + dy[p] * c};
    o.object.raw_class = kClasses[cls(rng)];
    o.object.quad = quad;
    o.object.hbb = mgrs::BoundingBox(quad);
    o.object.difficult = difficult(rng) == 0;
    o.line = i + 3;
    record.objects.push_back(std::move(o));
  }
  for (int c = 0; c < 5; ++c) {
    record.captions.push_back({"many " + std::string(kClasses[(k + c) % 18]) + "s are near the " + kScenes[k % 5] +
                                   " in caption " + std::to_string(c),
                               c});
  }
  record.scene_label = kScenes[k % 5];
  record.qa.push_back({"rural_urban", "Is it a rural or an urban area?", k % 3 ? "urban" : "rural", 2 * k});
  record.qa.push_back({"presence", "Is there a road?", k % 2 ? "yes" : "no", 2 * k + 1});
  return record;
}

void BuildCatalog(const std::string& path) {
  auto catalog = mgrs::catalog::Catalog::Open(path);
  Check(catalog.status(), "open");
  mgrs::catalog::DatasetInfo info;
  info.name = "dota-v2";
  info.format = "dota";
  info.root = "/nonexistent/dota-v2";
  Check((*catalog)->PutDataset(info), "dataset");
  mgrs::catalog::IngestRun run;
  run.dataset = "dota-v2";
  run.format = "dota";
  run.root = info.root;
  auto run_id = (*catalog)->StartRun(run);
  Check(run_id.status(), "run");
  auto writer = mgrs::catalog::BulkWriter::Begin(catalog->get(), "dota-v2", *run_id);
  Check(writer.status(), "writer");
  std::mt19937_64 rng(20261203);
  int64_t written = 0;
  for (int k = 0; k < kImages; ++k) {
    mgrs::catalog::SourceBatch batch;
    batch.file = "labelTxt/" + std::to_string(k) + ".txt";
    const int64_t n = (kObjects - written) / (kImages - k);
    written += n;
    batch.images.push_back(MakeImage(k, n, rng));
    Check((*writer)->Add(batch).status(), "add");
  }
  mgrs::catalog::FinishTimings timings;
  Check((*writer)->Finish(&timings), "finish");
  run.id = *run_id;
  run.status = "completed";
  Check((*catalog)->FinishRun(run), "finish run");
}

std::string WriteConfig(const std::string& dir) {
  const std::string path = dir + "/config.json";
  // What a DOTA-v2-sized catalog with captions, scene labels and questions can fill: 251,000 training samples.
  const char* config = R"({
    "grounding": {"max_generated_per_image": 6},
    "targets": {"train": {"counting": {"*": 110000}, "grounding": {"*": 50000}, "vqa": {"*": 70000},
                          "caption": {"*": 11000}, "classification": {"*": 10000}}}
  })";
  Check(mgrs::WriteFileAtomically(path, config), "config");
  return path;
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU seconds of this process (all threads) so far: the figure that other load on the machine does not inflate.
double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "/tmp/mgrs-instruct-bench", jobs_list = "1,2";
  bool reuse = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dir" && i + 1 < argc)
      dir = argv[++i];
    else if (arg == "--jobs-list" && i + 1 < argc)
      jobs_list = argv[++i];
    else if (arg == "--reuse")
      reuse = true;
    else {
      std::cerr << "usage: mgrs_instruct_benchmark [--dir DIR] [--reuse] [--jobs-list 1,2]\n";
      return 2;
    }
  }
  const std::string catalog_path = dir + "/catalog.sqlite";
  if (!reuse || !fs::exists(catalog_path)) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto start = std::chrono::steady_clock::now();
    BuildCatalog(catalog_path);
    std::printf("catalog: %d images, %lld objects built in %.2f s\n", kImages, static_cast<long long>(kObjects),
                Seconds(start));
  }
  {
    auto catalog = mgrs::catalog::Catalog::Open(catalog_path, mgrs::catalog::Catalog::Mode::kReadOnly);
    Check(catalog.status(), "open");
    int64_t objects = 0;
    const auto start = std::chrono::steady_clock::now();
    const double cpu = CpuSeconds();
    Check((*catalog)->ForEachImage({},
                                   [&](mgrs::catalog::AnnotatedImage& image) {
                                     objects += static_cast<int64_t>(image.objects.size());
                                     return Status::Ok();
                                   }),
          "scan");
    std::printf("catalog scan alone (ForEachImage): %lld objects in %.2f s wall, %.2f s CPU\n",
                static_cast<long long>(objects), Seconds(start), CpuSeconds() - cpu);
  }
  std::stringstream list(jobs_list);
  for (std::string item; std::getline(list, item, ',');) {
    mgrs::instruct::InstructOptions options;
    options.catalog_path = catalog_path;
    options.config_path = WriteConfig(dir);
    options.templates_dir = std::string(MGRS_SOURCE_DIR) + "/manifests/templates";
    options.out_dir = dir + "/out";
    options.seed = 1;
    options.jobs = std::stoi(item);
    options.check_images = false;
    options.link_images = false;
    const auto start = std::chrono::steady_clock::now();
    const double cpu = CpuSeconds();
    auto summary = mgrs::instruct::RunInstruct(options);
    Check(summary.status(), "instruct");
    const double wall = Seconds(start), cpu_used = CpuSeconds() - cpu;
    const int64_t samples = summary->train_samples + summary->test_samples;
    std::printf(
        "--jobs %d: %lld samples in %.2f s wall, %.2f s CPU (%.0f samples/s); generate %.2f s, compose %.2f s, "
        "write %.2f s; %zu shortfalls\n",
        options.jobs, static_cast<long long>(samples), wall, cpu_used, static_cast<double>(samples) / wall,
        summary->seconds.at("generate"), summary->seconds.at("compose"), summary->seconds.at("write"),
        summary->shortfalls.size());
    for (const auto& s : summary->shortfalls) std::printf("  shortfall: %s\n", s.c_str());
  }
  return 0;
}
