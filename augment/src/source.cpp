// The catalog side of RunAugment's reader (see source.h): the per-image typed queries of mgrs::catalog.
#include "source.h"

#include <filesystem>

namespace mgrs::augment {

Status ForEachSource(const std::string& catalog_path, const std::string& dataset,
                     const std::function<Status(SourceImage&)>& visit) {
  auto catalog = catalog::Catalog::Open(catalog_path, catalog::Catalog::Mode::kReadOnly);
  if (!catalog.ok()) return catalog.status();
  auto info = (*catalog)->FindDataset(dataset);
  if (!info.ok()) return info.status();
  if (!info->has_value()) return NotFound("dataset '" + dataset + "' is not in " + catalog_path);
  auto images = (*catalog)->Images(dataset);
  if (!images.ok()) return images.status();
  for (Image& image : *images) {
    if (!image.parent_id.empty()) continue;
    SourceImage source;
    // An absolute path is the file itself (derived images); a relative one is under the dataset's root.
    source.file = std::filesystem::path(image.path).is_absolute()
                      ? image.path
                      : (std::filesystem::path((*info)->root) / image.path).string();
    auto objects = (*catalog)->Objects(image.id);
    if (!objects.ok()) return objects.status();
    auto expressions = (*catalog)->Expressions(image.id);
    if (!expressions.ok()) return expressions.status();
    source.image = std::move(image);
    source.objects = std::move(*objects);
    source.expressions = std::move(*expressions);
    MGRS_RETURN_IF_ERROR(visit(source));
  }
  return Status::Ok();
}

}  // namespace mgrs::augment
