// Ingest throughput on a DOTA-v2-scale tree generated here (11,268 label files, about 1.79 M objects, seeded):
// objects/s for --no-images ingests with --jobs 1 and 2, peak RSS, and how the time splits (parse, insert,
// index build, foreign-key check). Usage: mgrs_ingest_benchmark [--dir /tmp/mgrs-ingest-bench] [--files N]
// [--objects N] [--jobs-list 1,2] [--keep] [--reuse]
// (--reuse: keep and reuse the tree of an earlier --keep run).
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "mgrs/ingest/ingest.h"

namespace {

namespace fs = std::filesystem;

constexpr const char* kClasses[] = {
    "plane",  "baseball-diamond", "bridge",           "ground-track-field", "small-vehicle",     "large-vehicle",
    "ship",   "tennis-court",     "basketball-court", "storage-tank",       "soccer-ball-field", "roundabout",
    "harbor", "swimming-pool",    "helicopter",       "container-crane",    "airport",           "helipad"};

// Writes `files` label files holding `objects` objects in all (v1.x-style header, float coordinates, CRLF on
// every other file), split 80/20 into train/ and val/.
int64_t GenerateTree(const std::string& dir, int files, int64_t objects) {
  std::mt19937_64 rng(20240611);
  std::uniform_real_distribution<double> coord(0, 4000), side(8, 120), angle(0, 3.14159);
  std::uniform_int_distribution<int> cls(0, 17), difficult(0, 9);
  int64_t written = 0;
  for (const char* split : {"train", "val"}) fs::create_directories(fs::path(dir) / split / "labelTxt");
  for (int f = 0; f < files; ++f) {
    const char* split = f < files * 8 / 10 ? "train" : "val";
    char name[64];
    std::snprintf(name, sizeof name, "P%05d.txt", f);
    const std::string path = (fs::path(dir) / split / "labelTxt" / name).string();
    std::FILE* out = std::fopen(path.c_str(), "wb");
    if (!out) {
      std::perror(path.c_str());
      std::exit(1);
    }
    const char* eol = f % 2 ? "\r\n" : "\n";
    std::fprintf(out, "imagesource:GoogleEarth%sgsd:0.%d%s", eol, 100 + f % 800, eol);
    // Spread the remaining objects evenly over the remaining files.
    const int64_t n = (objects - written) / (files - f);
    for (int64_t i = 0; i < n; ++i) {
      const double cx = coord(rng), cy = coord(rng), w = side(rng), h = side(rng), a = angle(rng);
      const double c = std::cos(a), s = std::sin(a);
      double x[4], y[4];
      const double dx[4] = {-w / 2, w / 2, w / 2, -w / 2}, dy[4] = {-h / 2, -h / 2, h / 2, h / 2};
      for (int k = 0; k < 4; ++k) {
        x[k] = cx + dx[k] * c - dy[k] * s;
        y[k] = cy + dx[k] * s + dy[k] * c;
      }
      std::fprintf(out, "%.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f %s %d%s", x[0], y[0], x[1], y[1], x[2], y[2], x[3],
                   y[3], kClasses[cls(rng)], difficult(rng) == 0 ? 1 : 0, eol);
    }
    written += n;
    std::fclose(out);
  }
  return written;
}

long PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = (fs::temp_directory_path() / "mgrs-ingest-bench").string();
  int files = 11268;
  int64_t objects = 1790000;
  std::vector<int> jobs_list = {1, 2};
  bool keep = false, reuse = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--dir")
      dir = next();
    else if (arg == "--files")
      files = std::stoi(next());
    else if (arg == "--objects")
      objects = std::stoll(next());
    else if (arg == "--keep")
      keep = true;
    else if (arg == "--reuse")
      reuse = keep = true;
    else if (arg == "--jobs-list") {
      jobs_list.clear();
      for (const std::string& item : {next()}) {
        size_t start = 0;
        while (start < item.size()) {
          const size_t comma = item.find(',', start);
          jobs_list.push_back(std::stoi(item.substr(start, comma - start)));
          start = comma == std::string::npos ? item.size() : comma + 1;
        }
      }
    } else {
      std::cerr << "usage: mgrs_ingest_benchmark [--dir D] [--files N] [--objects N] [--jobs-list 1,2] [--keep]\n";
      return 2;
    }
  }
  const std::string tree = dir + "/tree";
  const auto gen_start = std::chrono::steady_clock::now();
  int64_t generated = objects;
  if (!reuse) {
    fs::remove_all(dir);
    generated = GenerateTree(tree, files, objects);
  }
  std::printf("generated %d label files, %lld objects in %.1f s (%s)\n", files, static_cast<long long>(generated),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - gen_start).count(), tree.c_str());

  int status = 0;
  for (int jobs : jobs_list) {
    mgrs::ingest::IngestOptions options;
    options.catalog_path = dir + "/catalog-jobs" + std::to_string(jobs) + ".sqlite";
    fs::remove(options.catalog_path);  // a fresh catalog for every run, also when a --jobs value repeats
    options.format = "dota";
    options.root = tree;
    options.dataset_version = "2.0";
    options.read_images = false;
    options.jobs = jobs;
    auto summary = mgrs::ingest::Ingest(options);
    if (!summary.ok()) {
      std::cerr << "ingest failed: " << summary.status().ToString() << "\n";
      return 1;
    }
    const auto& s = *summary;
    if (s.objects_accepted != generated || s.errors != 0) status = 1;
    const double load = s.wall_seconds - s.index_seconds - s.foreign_key_seconds;
    std::printf(
        "jobs %d: %lld objects in %.2f s wall = %.0f objects/s (parse + insert %.2f s = %.0f objects/s); parse %.2f s "
        "(thread time), insert %.2f s, index build %.2f s, foreign-key check %.2f s; CPU: parse %.2f s = %.0f "
        "objects/s, "
        "insert %.2f s = %.0f objects/s; peak RSS %ld MiB\n",
        jobs, static_cast<long long>(s.objects_accepted), s.wall_seconds, s.objects_accepted / s.wall_seconds, load,
        s.objects_accepted / load, s.parse_seconds, s.insert_seconds, s.index_seconds, s.foreign_key_seconds,
        s.parse_cpu_seconds, s.objects_accepted / s.parse_cpu_seconds, s.insert_cpu_seconds,
        s.objects_accepted / s.insert_cpu_seconds, PeakRssMiB());
  }
  if (!keep) fs::remove_all(dir);
  return status;
}
