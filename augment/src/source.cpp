// The catalog side of RunAugment's reader (see source.h): mgrs::catalog's streaming ForEachImage.
#include "source.h"

namespace mgrs::augment {

Status ForEachSource(const std::string& catalog_path, const std::string& dataset,
                     const std::function<Status(SourceImage&)>& visit) {
  auto catalog = catalog::Catalog::Open(catalog_path, catalog::Catalog::Mode::kReadOnly);
  if (!catalog.ok()) return catalog.status();
  catalog::ImageQuery query;
  query.dataset = dataset;
  query.derived = false;  // derived images are never augmented again
  return (*catalog)->ForEachImage(query, [&](catalog::AnnotatedImage& record) {
    SourceImage source;
    source.image = std::move(record.image);
    source.file = std::move(record.file);
    source.objects = std::move(record.objects);
    source.expressions = std::move(record.expressions);
    return visit(source);
  });
}

}  // namespace mgrs::augment
