// Which images a demo run renders (classes, splits, stems, per-image seeds), one image with its texts, and the
// ingest steps that read the output.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "mgrs/demo/demo_data.h"

namespace mgrs::demo {

namespace {

constexpr int kImagesPerClassAtScale1 = 44;

constexpr int kMinimumImagesPerClass = 3;

// 70% train, 10% val, 20% test in every ten images of a class, ordered so that each class has an image in each
// split from its third image on.
std::string SplitOf(int index_in_class) {
  static const char* const cycle[] = {"train", "test",  "val",   "train", "train",
                                      "test",  "train", "train", "train", "train"};
  return cycle[index_in_class % 10];
}

}  // namespace

std::vector<DemoImagePlan> PlanDemoImages(uint64_t seed, double scale) {
  const int per_class =
      std::max(kMinimumImagesPerClass, static_cast<int>(std::lround(kImagesPerClassAtScale1 * scale)));
  std::vector<DemoImagePlan> plans;
  for (int k = 0; k < kSceneKindCount; ++k) {
    for (int i = 0; i < per_class; ++i) {
      DemoImagePlan plan;
      plan.kind = SceneKindAt(k);
      plan.split = SplitOf(i);
      char number[16];
      std::snprintf(number, sizeof number, "_%05d", i);
      plan.stem = SceneFolderName(plan.kind) + number;
      plans.push_back(std::move(plan));
    }
  }
  // Sorted by stem: the order DIOR-RSVG numbers objects in (annotation files sorted by path).
  std::sort(plans.begin(), plans.end(), [](const DemoImagePlan& a, const DemoImagePlan& b) { return a.stem < b.stem; });
  Random random(seed);
  for (size_t i = 0; i < plans.size(); ++i) {
    plans[i].number = static_cast<int>(i);
    plans[i].seed = random.Bits();
  }
  return plans;
}

DemoImage MakeDemoImage(const DemoImagePlan& plan, int image_size) {
  Random random(plan.seed);
  DemoImage image;
  image.plan = plan;
  image.rendered = RenderScene(plan.kind, image_size, random);
  const Scene& scene = image.rendered.scene;
  for (size_t i = 0; i < scene.objects.size(); ++i) image.expressions.push_back(Refer(scene, i));
  image.captions = Captions(scene, random);
  image.questions = Questions(scene, random);
  return image;
}

std::vector<IngestStep> DemoIngestSteps() {
  // Scene folders take their split from --split only, and a dataset stores each class folder once, so each
  // split is its own dataset.
  return {
      {"dota", "dota", "demo-dota", ""},
      {"dior-rsvg", "dior_rsvg", "demo-rsvg", ""},
      {"captions-karpathy", "captions", "demo-captions", ""},
      {"rsvqa", "rsvqa", "demo-vqa", ""},
      {"scene-folders", "scenes/train", "demo-scenes-train", "train"},
      {"scene-folders", "scenes/val", "demo-scenes-val", "val"},
      {"scene-folders", "scenes/test", "demo-scenes-test", "test"},
  };
}

}  // namespace mgrs::demo
