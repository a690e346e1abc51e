// WriteDemoData: renders the planned images one at a time and writes each into every format's layout (the PNG
// once, hard-linked elsewhere), collecting the dataset-wide files (DIOR-RSVG splits, caption JSON, RSVQA JSON)
// to write at the end. Everything goes to <out>.partial, renamed over <out> when complete.
#include <chrono>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "formats.h"
#include "mgrs/core/files.h"
#include "mgrs/demo/demo_data.h"

namespace mgrs::demo {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* const kSplits[] = {"train", "val", "test"};

Status Write(const fs::path& path, std::string_view contents) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return IoError("cannot create " + path.parent_path().string() + ": " + ec.message());
  return WriteFileAtomically(path.string(), contents);
}

// The same file under another name: a hard link, or a copy where the file system has none.
Status Link(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (ec) return IoError("cannot create " + to.parent_path().string() + ": " + ec.message());
  fs::create_hard_link(from, to, ec);
  if (ec) fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) return IoError("cannot link or copy " + from.string() + " to " + to.string() + ": " + ec.message());
  return Status::Ok();
}

class DatasetWriter {
 public:
  explicit DatasetWriter(fs::path root) : root_(std::move(root)) {}

  Status Add(const DemoImage& image, DemoDataSummary* summary) {
    const DemoImagePlan& plan = image.plan;
    const Scene& scene = image.rendered.scene;
    std::vector<uint8_t> png;
    if (!cv::imencode(".png", image.rendered.image, png)) return Internal("cannot encode " + plan.stem + " as PNG");
    const std::string file = plan.stem + ".png";
    const fs::path canonical = root_ / "scenes" / plan.split / SceneFolderName(plan.kind) / file;
    MGRS_RETURN_IF_ERROR(Write(canonical, std::string_view(reinterpret_cast<const char*>(png.data()), png.size())));
    MGRS_RETURN_IF_ERROR(Link(canonical, root_ / "dota" / plan.split / "images" / file));
    MGRS_RETURN_IF_ERROR(Write(root_ / "dota" / plan.split / "labelTxt" / (plan.stem + ".txt"), DotaLabel(scene)));
    MGRS_RETURN_IF_ERROR(Link(canonical, root_ / "captions" / "images" / file));
    MGRS_RETURN_IF_ERROR(Link(canonical, root_ / "rsvqa" / "Images_LR" / (std::to_string(plan.number) + ".png")));
    int written = 0;
    const std::string xml = RsvgXml(image, &written);
    if (written > 0) {  // DIOR-RSVG annotation files hold at least one object
      MGRS_RETURN_IF_ERROR(Write(root_ / "dior_rsvg" / "Annotations" / (plan.stem + ".xml"), xml));
      MGRS_RETURN_IF_ERROR(Link(canonical, root_ / "dior_rsvg" / "JPEGImages" / file));
      for (int i = 0; i < written; ++i) rsvg_split_[plan.split] += std::to_string(rsvg_objects_++) + "\n";
    }
    AddCaptions(image);
    AddQuestions(image);
    ++summary->images;
    summary->objects += static_cast<int>(scene.objects.size());
    summary->expressions += written;
    summary->captions += static_cast<int>(image.captions.size());
    summary->questions += static_cast<int>(image.questions.size());
    return Status::Ok();
  }

  Status Finish(const DemoDataOptions& options, const DemoDataSummary& summary) {
    for (const char* split : kSplits) {
      MGRS_RETURN_IF_ERROR(Write(root_ / "dior_rsvg" / (std::string(split) + ".txt"), rsvg_split_[split]));
    }
    MGRS_RETURN_IF_ERROR(
        Write(root_ / "captions" / "dataset_demo.json", json{{"images", captions_}, {"dataset", "mgrs-demo"}}.dump()));
    MGRS_RETURN_IF_ERROR(WriteRsvqa());
    json steps = json::array();
    for (const IngestStep& step : DemoIngestSteps()) {
      steps.push_back({{"format", step.format}, {"root", step.root}, {"name", step.name}, {"split", step.split}});
    }
    const json manifest = {{"generator", "mgrs demo-data"},    {"seed", options.seed},     {"scale", options.scale},
                           {"image_size", options.image_size}, {"images", summary.images}, {"ingest", steps}};
    MGRS_RETURN_IF_ERROR(Write(root_ / "ingest.json", manifest.dump(2) + "\n"));
    return Write(root_ / "README.md", Readme());
  }

 private:
  void AddCaptions(const DemoImage& image) {
    json sentences = json::array(), ids = json::array();
    for (const std::string& caption : image.captions) {
      json tokens = json::array();
      for (size_t start = 0; start < caption.size();) {
        size_t end = caption.find(' ', start);
        if (end == std::string::npos) end = caption.size();
        tokens.push_back(caption.substr(start, end - start));
        start = end + 1;
      }
      ids.push_back(sentence_id_);
      sentences.push_back(
          {{"tokens", tokens}, {"raw", caption + " ."}, {"imgid", image.plan.number}, {"sentid", sentence_id_++}});
    }
    captions_.push_back({{"filename", image.plan.stem + ".png"},
                         {"imgid", image.plan.number},
                         {"split", image.plan.split},
                         {"sentences", sentences},
                         {"sentids", ids}});
  }

  void AddQuestions(const DemoImage& image) {
    json question_ids = json::array();
    for (const Question& q : image.questions) {
      const int id = static_cast<int>(questions_.size());
      question_ids.push_back(id);
      questions_.push_back({{"id", id},
                            {"img_id", image.plan.number},
                            {"type", q.type},
                            {"question", q.question},
                            {"answers_ids", json::array({id})},
                            {"people_id", 0},
                            {"date_added", 0.0}});
      answers_.push_back(
          {{"id", id}, {"question_id", id}, {"answer", q.answer}, {"people_id", 0}, {"date_added", 0.0}});
      question_split_.push_back(image.plan.split);
    }
    images_.push_back({{"id", image.plan.number},
                       {"original_name", image.plan.stem + ".png"},
                       {"questions_ids", question_ids},
                       {"sensor", "mgrs-demo"},
                       {"type", "demo"},
                       {"people_id", 0},
                       {"date_added", 0.0}});
    image_split_.push_back(image.plan.split);
  }

  // RSVQA keeps every id in every split's arrays and marks the split's own entries "active".
  Status WriteRsvqa() {
    for (const char* split : kSplits) {
      auto marked = [&](const std::vector<json>& entries, const std::vector<std::string>& split_of) {
        json array = json::array();
        for (size_t i = 0; i < entries.size(); ++i) {
          if (split_of[i] == split) {
            json entry = entries[i];
            entry["active"] = true;
            array.push_back(std::move(entry));
          } else {
            array.push_back({{"id", entries[i]["id"]}, {"active", false}});
          }
        }
        return array;
      };
      const std::string base = std::string("LR_split_") + split;
      MGRS_RETURN_IF_ERROR(Write(root_ / "rsvqa" / (base + "_questions.json"),
                                 json{{"questions", marked(questions_, question_split_)}}.dump()));
      MGRS_RETURN_IF_ERROR(Write(root_ / "rsvqa" / (base + "_answers.json"),
                                 json{{"answers", marked(answers_, question_split_)}}.dump()));
      MGRS_RETURN_IF_ERROR(
          Write(root_ / "rsvqa" / (base + "_images.json"), json{{"images", marked(images_, image_split_)}}.dump()));
    }
    return Status::Ok();
  }

  static std::string Readme() {
    std::string out =
        "# mgrs demo-data\n\nRendered aerial scenes (procedural, no real imagery) in five source formats; "
        "`ingest.json` lists how to read each. With the catalog at demo.sqlite:\n\n```sh\n";
    for (const IngestStep& step : DemoIngestSteps()) {
      out += "mgrs ingest --catalog demo.sqlite --format " + step.format + " --root " + step.root + " --name " +
             step.name + (step.split.empty() ? "" : " --split " + step.split) + "\n";
    }
    return out + "```\n\n(run from this folder). See docs/demo.md in the toolkit for what is drawn.\n";
  }

  fs::path root_;
  std::map<std::string, std::string> rsvg_split_;  // split -> lines of global object indices
  int rsvg_objects_ = 0;
  int sentence_id_ = 0;
  std::vector<json> captions_, questions_, answers_, images_;
  std::vector<std::string> question_split_, image_split_;
};

// An existing output folder may be replaced only when it is empty or an earlier demo-data output.
Status CheckReplaceable(const fs::path& out) {
  std::error_code ec;
  if (!fs::exists(out, ec)) return Status::Ok();
  if (!fs::is_directory(out, ec)) return InvalidArgument(out.string() + " exists and is not a folder");
  if (fs::is_empty(out, ec) || fs::exists(out / "ingest.json", ec)) return Status::Ok();
  return InvalidArgument(out.string() + " is not empty and holds no demo-data output (no ingest.json): not replaced");
}

}  // namespace

Result<DemoDataSummary> WriteDemoData(const DemoDataOptions& options) {
  if (!(options.scale > 0)) return InvalidArgument("the scale must be positive");
  if (options.image_size < 64) return InvalidArgument("the image size must be at least 64 pixels");
  if (options.out_dir.empty()) return InvalidArgument("no output folder given");
  const auto start = std::chrono::steady_clock::now();
  const fs::path out = fs::path(options.out_dir).lexically_normal();
  MGRS_RETURN_IF_ERROR(CheckReplaceable(out));
  const fs::path partial = out.string() + ".partial";
  std::error_code ec;
  fs::remove_all(partial, ec);
  if (ec) return IoError("cannot remove " + partial.string() + ": " + ec.message());
  DatasetWriter writer(partial);
  DemoDataSummary summary;
  const std::vector<DemoImagePlan> plans = PlanDemoImages(options.seed, options.scale);
  for (const DemoImagePlan& plan : plans) {
    MGRS_RETURN_IF_ERROR(writer.Add(MakeDemoImage(plan, options.image_size), &summary));
    if (options.progress) options.progress(summary.images, static_cast<int>(plans.size()));
  }
  MGRS_RETURN_IF_ERROR(writer.Finish(options, summary));
  fs::remove_all(out, ec);
  if (!ec) fs::rename(partial, out, ec);
  if (ec) return IoError("cannot move " + partial.string() + " to " + out.string() + ": " + ec.message());
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace mgrs::demo
