// Candidate items per task from one image's attributes: counting per class, grounding per distinguishable object,
// presence / direction / the source's own questions, the scene label, the captions.
#include <algorithm>
#include <cmath>

#include "items.h"
#include "mgrs/instruct/describe.h"

namespace mgrs::bench {
namespace {

std::string DisplayName(const std::string& raw) {
  std::string name = raw;
  for (char& c : name) {
    if (c == '_' || c == '-') c = ' ';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return name;
}

bool Builds(const CandidateContext& context, const std::string& task, const std::string& dataset) {
  for (const auto& [name, config] : context.config->tasks) {
    if (name != task) continue;
    return config.sources.empty() ||
           std::find(config.sources.begin(), config.sources.end(), dataset) != config.sources.end();
  }
  return false;
}

// A candidate of `task`/`granularity` with its id, the prompt chosen by the id's hash and the Sample's frame.
class Maker {
 public:
  Maker(const CandidateContext& context, const catalog::AnnotatedImage& record,
        const catalog::ImageAttributes& attributes, std::vector<Candidate>* out)
      : context_(context), record_(record), attributes_(attributes), out_(out) {}

  Candidate* Add(const std::string& task, const std::string& granularity, const std::string& suffix,
                 instruct::Fields fields, GroundTruth gt) {
    const Image& image = record_.image;
    const auto& prompts = context_.prompts->Of(task, granularity);
    if (prompts.empty()) return nullptr;
    Candidate c;
    c.item.id = image.id + "/" + suffix;
    c.item.task = task;
    c.item.granularity = granularity;
    c.item.source = image.dataset;
    c.item.gsd_bucket = attributes_.gsd_bucket;
    c.item.resolution = "x1";
    c.item.image_id = image.id;
    c.item.image_file = record_.file;
    c.rank = Hash(c.item.id, context_.config->seed);
    c.prompt = &prompts[Hash(c.item.id, context_.config->seed ^ 0x9e3779b97f4a7c15ULL) % prompts.size()];
    c.fields = std::move(fields);
    c.gsd = image.gsd;
    Sample& s = c.sample;
    s.id = c.item.id;
    s.task = *ParseTask(task);
    s.image = image.dataset + "/" + image.path;
    if (image.width > 0 && image.height > 0) s.image_size = std::array<int, 2>{image.width, image.height};
    s.dataset = image.dataset;
    s.split = image.split;
    s.granularity = granularity;
    s.gt = std::move(gt);
    RenderPrompt(&c);
    out_->push_back(std::move(c));
    return &out_->back();
  }

  const CandidateContext& context() const { return context_; }

 private:
  const CandidateContext& context_;
  const catalog::AnnotatedImage& record_;
  const catalog::ImageAttributes& attributes_;
  std::vector<Candidate>* out_;
};

void Counting(Maker& maker, const catalog::ImageAttributes& attributes) {
  const BenchConfig& config = *maker.context().config;
  for (const auto& [key, n] : attributes.counts) {
    const std::string granularity = n <= config.sparse_max ? "sparse" : n <= config.medium_max ? "medium" : "dense";
    const std::string name = instruct::ClassName(key);
    maker.Add("counting", granularity, "count-" + key,
              {{"class", name}, {"class_plural", instruct::Plural(name)}, {"count", std::to_string(n)}},
              CountingTruth{n, key});
  }
}

void Grounding(Maker& maker, const catalog::AnnotatedImage& record) {
  const Image& image = record.image;
  if (image.width <= 0 || image.height <= 0) return;
  std::map<int64_t, std::string> given;  // object id -> the source's own expression
  for (const Expression& e : record.expressions) {
    if (e.object_id != 0 && !given.count(e.object_id)) given[e.object_id] = e.text;
  }
  std::vector<const Object*> objects;
  for (const auto& stored : record.objects) objects.push_back(&stored.object);
  const std::vector<int> detail = instruct::DistinguishingDetail(objects, image.width, image.height);
  for (size_t k = 0; k < objects.size(); ++k) {
    const Object& o = *objects[k];
    std::string expression;
    if (given.count(o.id))
      expression = given[o.id];
    else if (detail[k] >= 0)
      expression = instruct::ReferringExpression(o, detail[k], image.width, image.height);
    else
      continue;  // no text singles it out
    GroundingTruth gt;
    gt.boxes.push_back(o.hbb);
    if (o.quad) {
      std::array<double, 8> q{};
      for (int i = 0; i < 4; ++i) {
        q[2 * i] = (*o.quad)[i].x;
        q[2 * i + 1] = (*o.quad)[i].y;
      }
      gt.quads.push_back(q);
    }
    const instruct::BoxText box_text =
        instruct::FormatBox(o.hbb, o.quad, image.width, image.height, maker.context().box_format);
    if (box_text.round_trip_iou < maker.context().config->min_round_trip_iou) continue;  // the grid cannot say it
    const std::string& box = box_text.text;
    Candidate* c =
        maker.Add("grounding", o.attributes.size_bucket, "ground-" + std::to_string(o.id),
                  {{"expression", expression}, {"box", box}, {"size", o.attributes.size_bucket}}, std::move(gt));
    if (c) {
      c->target = o.hbb;
      c->target_quad = o.quad;
    }
  }
}

void Vqa(Maker& maker, const catalog::AnnotatedImage& record, const catalog::ImageAttributes& attributes) {
  const Image& image = record.image;
  const uint64_t seed = maker.context().config->seed;
  if (!attributes.counts.empty()) {
    std::vector<std::string> present;
    for (const auto& [key, n] : attributes.counts) present.push_back(key);
    std::vector<std::string> absent;
    const auto known = maker.context().class_keys.find(image.dataset);
    if (known != maker.context().class_keys.end()) {
      for (const std::string& key : known->second) {
        if (!attributes.counts.count(key)) absent.push_back(key);
      }
    }
    const auto presence = [&](const std::string& key, const char* answer) {
      const std::string name = instruct::ClassName(key);
      maker.Add("vqa", "presence", "presence-" + key,
                {{"class", name},
                 {"a_class", instruct::WithArticle(name)},
                 {"class_plural", instruct::Plural(name)},
                 {"answer", answer}},
                VqaTruth{answer, "presence"});
    };
    presence(present[Hash(image.id + "/present", seed) % present.size()], "yes");
    if (!absent.empty()) presence(absent[Hash(image.id + "/absent", seed) % absent.size()], "no");
  }
  if (image.width > 0 && image.height > 0) {
    for (const auto& stored : record.objects) {
      const Object& o = stored.object;
      if (attributes.counts.at(o.class_key) != 1) continue;  // "where is the plane" needs exactly one
      const std::string name = instruct::ClassName(o.class_key);
      const std::string cell = instruct::CellName(instruct::CellOf(o.hbb, image.width, image.height));
      maker.Add("vqa", "direction", "direction-" + o.class_key,
                {{"class", name}, {"a_class", instruct::WithArticle(name)}, {"answer", cell}},
                VqaTruth{cell, "direction"});
    }
  }
  for (size_t k = 0; k < record.qa.size(); ++k) {
    const Qa& qa = record.qa[k];
    maker.Add("vqa", "other", "qa-" + std::to_string(k), {{"question", qa.question}, {"answer", qa.answer}},
              VqaTruth{qa.answer, qa.type});
  }
}

void Classification(Maker& maker, const catalog::AnnotatedImage& record) {
  if (!record.scene) return;
  ClassificationTruth gt;
  gt.label = DisplayName(record.scene->label);
  const auto classes = maker.context().scene_classes.find(record.image.dataset);
  std::string list;
  if (classes != maker.context().scene_classes.end()) {
    for (const std::string& raw : classes->second) {
      gt.classes.push_back(DisplayName(raw));
      list += (list.empty() ? "" : ", ") + gt.classes.back();
    }
  }
  const std::string label = gt.label;  // copied first: the argument below moves gt
  maker.Add("classification", "scene", "scene", {{"classes", list}, {"label", label}}, std::move(gt));
}

void Captioning(Maker& maker, const catalog::AnnotatedImage& record, const catalog::ImageAttributes& attributes) {
  if (record.captions.empty()) return;
  CaptionTruth gt;
  for (const mgrs::Caption& c : record.captions) gt.references.push_back(c.text);
  const std::string first = gt.references.front();
  maker.Add("caption", "image", "caption", {{"caption", first}, {"scene", attributes.scene}}, std::move(gt));
}

}  // namespace

uint64_t Hash(const std::string& text, uint64_t seed) {
  uint64_t h = 1469598103934665603ULL ^ seed;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h += 0x9e3779b97f4a7c15ULL;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

void RenderPrompt(Candidate* c) {
  const std::string question = instruct::Render(c->prompt->human, c->fields);
  c->item.question = question;
  c->template_answer = instruct::Render(c->prompt->gpt, c->fields);
  c->sample.conversations = {Turn{"human", "<image>\n" + question}};
  c->item.sample_json = SampleToJson(c->sample).dump();
}

void MakeCandidates(const CandidateContext& context, const catalog::AnnotatedImage& record,
                    const catalog::ImageAttributes& attributes, std::vector<Candidate>* out) {
  Maker maker(context, record, attributes, out);
  const std::string& dataset = record.image.dataset;
  if (Builds(context, "counting", dataset)) Counting(maker, attributes);
  if (Builds(context, "grounding", dataset)) Grounding(maker, record);
  if (Builds(context, "vqa", dataset)) Vqa(maker, record, attributes);
  if (Builds(context, "classification", dataset)) Classification(maker, record);
  if (Builds(context, "caption", dataset)) Captioning(maker, record, attributes);
}

}  // namespace mgrs::bench
