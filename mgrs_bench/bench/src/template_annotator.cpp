// The template annotator: the prompt's answer rendered from the attributes. Deterministic; asks nobody.
#include "mgrs/bench/annotator.h"

namespace mgrs::bench {
namespace {

class TemplateAnnotator : public Annotator {
 public:
  std::string Name() const override { return "template"; }
  Result<std::string> Annotate(const AnnotationRequest& request) override {
    if (request.template_answer.empty()) return InvalidArgument("the prompt's answer rendered empty");
    return request.template_answer;
  }
};

}  // namespace

std::unique_ptr<Annotator> MakeTemplateAnnotator() { return std::make_unique<TemplateAnnotator>(); }

}  // namespace mgrs::bench
