// Shared reader helpers.
#include "readers/common.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <set>
#include <unordered_map>

#include <sys/stat.h>

#include "mgrs/core/files.h"
#include "mgrs/core/text.h"
#include "mgrs/raster/raster.h"

namespace mgrs::ingest {
namespace fs = std::filesystem;

bool ParseNumber(std::string_view text, double* value) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *value);
  return ec == std::errc() && ptr == end && std::isfinite(*value);
}

bool ParseInteger(std::string_view text, int64_t* value) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *value);
  return ec == std::errc() && ptr == end;
}

size_t SplitTokens(std::string_view line, std::string_view* tokens, size_t max) {
  size_t count = 0;
  size_t i = 0;
  const size_t n = line.size();
  while (i < n) {
    while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\v' || line[i] == '\f')) ++i;
    if (i == n) break;
    const size_t start = i;
    while (i < n && !(line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\v' || line[i] == '\f')) ++i;
    if (count < max) tokens[count] = line.substr(start, i - start);
    ++count;
  }
  return count;
}

namespace {

// A recursive listing that follows links to folders (datasets are often assembled from links) but enters each
// folder, by device and inode, only once: a link to "." or to an ancestor is not a loop. Each folder's entries are
// visited in name order, so which path reaches a folder first does not depend on the file system's order.
class Lister {
 public:
  Lister(const std::string& wanted, const std::vector<std::string>& skip_dirs,
         const std::function<void(int64_t, int64_t)>& progress, std::vector<std::string>* out)
      : wanted_(wanted), skip_dirs_(skip_dirs), progress_(progress), out_(out) {}

  Status List(const fs::path& folder, const std::string& relative) {
    struct stat info {};
    if (::stat(folder.c_str(), &info) != 0 || !entered_.emplace(info.st_dev, info.st_ino).second) return Status::Ok();
    std::error_code ec;
    // The entries keep the file type readdir gave, so only links cost a stat.
    std::vector<std::pair<std::string, fs::directory_entry>> entries;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
      entries.emplace_back(it->path().filename().string(), *it);
    }
    if (ec) return IoError("cannot list " + folder.string() + ": " + ec.message());
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    if (progress_) progress_(static_cast<int64_t>(entered_.size()), static_cast<int64_t>(out_->size()));
    for (const auto& [name, entry] : entries) {
      const std::string child = relative.empty() ? name : relative + "/" + name;
      if (entry.is_directory(ec)) {
        if (std::find(skip_dirs_.begin(), skip_dirs_.end(), name) != skip_dirs_.end()) continue;
        MGRS_RETURN_IF_ERROR(List(entry.path(), child));
      } else if (entry.is_regular_file(ec) && EndsWith(ToLowerAscii(name), wanted_)) {
        out_->push_back(child);
      }
    }
    return Status::Ok();
  }

 private:
  const std::string& wanted_;
  const std::vector<std::string>& skip_dirs_;
  const std::function<void(int64_t, int64_t)>& progress_;
  std::vector<std::string>* out_;
  std::set<std::pair<dev_t, ino_t>> entered_;
};

}  // namespace

Result<std::vector<std::string>> ListFilesWithExtension(const std::string& root, const std::string& extension,
                                                        const std::vector<std::string>& skip_dirs,
                                                        const std::function<void(int64_t, int64_t)>& progress) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return NotFound("dataset root " + root + " is not a folder");
  std::vector<std::string> out;
  const std::string wanted = ToLowerAscii(extension);
  Lister lister(wanted, skip_dirs, progress, &out);
  MGRS_RETURN_IF_ERROR(lister.List(root, ""));
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<std::string>> ListFilesWithExtension(const ReaderContext& ctx, const std::string& extension,
                                                        const std::vector<std::string>& skip_dirs) {
  return ListFilesWithExtension(ctx.root, extension, skip_dirs, ctx.listing_progress);
}

Result<std::vector<SourceFile>> ListWholeDatasetFiles(const ReaderContext& ctx, const std::string& extension,
                                                      const std::string& what) {
  auto files = ListFilesWithExtension(ctx, extension);
  if (!files.ok()) return files.status();
  if (files->empty()) return NotFound("no " + what + " under " + ctx.root);
  std::vector<SourceFile> out;
  for (const std::string& path : *files) out.push_back(SourceFile{path, "all", "", "", 0});
  return out;
}

std::string SplitFromPath(const std::string& relative_path) {
  static const char* const kSplits[] = {"train", "val", "validation", "test", "test-dev", "test-challenge", "trainval"};
  size_t start = 0;
  while (true) {
    const size_t slash = relative_path.find('/', start);
    if (slash == std::string::npos) break;
    const std::string folder = ToLowerAscii(relative_path.substr(start, slash - start));
    for (const char* split : kSplits) {
      if (folder == split) return folder;
    }
    start = slash + 1;
  }
  return "all";
}

std::string Stem(const std::string& path) { return fs::path(path).stem().string(); }

std::string ParentOf(const std::string& relative_path) {
  const size_t slash = relative_path.rfind('/');
  return slash == std::string::npos ? std::string() : relative_path.substr(0, slash);
}

std::string JoinPath(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + "/" + b;
}

void AddReject(catalog::SourceBatch* batch, const std::string& path, int64_t line, const char* code,
               std::string message, std::string raw, int64_t objects, Severity severity) {
  batch->rejects.push_back(
      catalog::RejectRecord{MakeDiagnostic(path, line, code, std::move(message), std::move(raw), severity),
                            severity == Severity::kError ? objects : 0});
}

std::vector<std::string> ImageCandidates(const std::string& dir, const std::string& stem) {
  std::vector<std::string> out;
  for (const char* ext : {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".PNG", ".JPG", ".TIF"}) {
    out.push_back(JoinPath(dir, stem + ext));
  }
  return out;
}

Result<std::optional<nlohmann::json>> ReadJsonFile(const ReaderContext& ctx, const std::string& path,
                                                   catalog::SourceBatch* batch) {
  auto text = ReadFile(JoinPath(ctx.root, path));
  if (!text.ok()) return text.status();
  try {
    return std::optional<nlohmann::json>(nlohmann::json::parse(*text));
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann reports a byte offset; people look for lines.
    const size_t offset = std::min(e.byte, text->size());
    const int64_t line = 1 + std::count(text->begin(), text->begin() + static_cast<std::ptrdiff_t>(offset), '\n');
    const size_t line_start = text->rfind('\n', offset == 0 ? 0 : offset - 1);
    const size_t begin = line_start == std::string::npos ? 0 : line_start + 1;
    AddReject(batch, path, line, code::kBadJson, "malformed JSON at byte " + std::to_string(e.byte) + ": " + e.what(),
              text->substr(begin, std::min<size_t>(200, text->size() - begin)), 0);
    return std::optional<nlohmann::json>();
  }
}

std::string JsonText(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return {};
  const nlohmann::json& value = object[key];
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  return {};
}

std::string FirstExisting(const ReaderContext& ctx, const std::vector<std::string>& candidates) {
  std::error_code ec;
  for (const std::string& candidate : candidates) {
    if (fs::is_regular_file(JoinPath(ctx.root, candidate), ec)) return candidate;
  }
  return {};
}

Result<std::vector<std::string>> ReadLines(const std::string& path, catalog::SourceBatch* batch,
                                           const std::string& reported, int64_t objects_per_line) {
  auto reader = LineReader::Open(path, kMaxAnnotationLineBytes);
  if (!reader.ok()) return reader.status();
  std::vector<std::string> lines;
  std::string line;
  while (reader->Next(&line)) {
    if (reader->last_line_too_long()) {
      if (batch == nullptr) {
        return InvalidArgument(path + ":" + std::to_string(reader->line_number()) + ": line longer than " +
                               std::to_string(kMaxAnnotationLineBytes) + " bytes");
      }
      RejectLongLine(batch, reported, reader->line_number(), "", objects_per_line);
    }
    lines.push_back(line);
  }
  MGRS_RETURN_IF_ERROR(reader->status());
  return lines;
}

void RejectLongLine(catalog::SourceBatch* batch, const std::string& path, int64_t line, std::string_view text,
                    int64_t objects) {
  AddReject(batch, path, line, code::kLineTooLong,
            "line longer than " + std::to_string(kMaxAnnotationLineBytes) + " bytes is left out",
            std::string(text.substr(0, Diagnostic::kMaxRawBytes)), objects);
}

std::string EffectiveSplit(const ReaderContext& ctx, const SourceFile& file) {
  return ctx.split.empty() ? file.split : ctx.split;
}

std::string ImageId(const ReaderContext& ctx, const SourceFile& file, const std::string& stem) {
  return ctx.dataset + "/" + EffectiveSplit(ctx, file) + "/" + stem;
}

namespace {

std::string BoxText(const Box& b) {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, "%g %g %g %g", b.x1, b.y1, b.x2, b.y2);
  return buffer;
}

// Self-intersecting (edges 0-1 and 2-3, or 1-2 and 3-0, cross) or zero-area quads.
bool IsInvalidQuad(const Quad& q) {
  auto cross = [](const Point& o, const Point& a, const Point& b) {
    return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  };
  auto segments_cross = [&](const Point& a, const Point& b, const Point& c, const Point& d) {
    const double d1 = cross(c, d, a), d2 = cross(c, d, b), d3 = cross(a, b, c), d4 = cross(a, b, d);
    return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
  };
  if (segments_cross(q[0], q[1], q[2], q[3]) || segments_cross(q[1], q[2], q[3], q[0])) return true;
  return PolygonArea(ToPolygon(q)) <= 0;
}

}  // namespace

bool LocateImage(const ReaderContext& ctx, const SourceFile& file, const std::vector<std::string>& candidates,
                 catalog::ImageRecord* record, catalog::SourceBatch* batch) {
  if (!ctx.read_images) return true;
  const int64_t object_count = static_cast<int64_t>(record->objects.size());
  // An image name taken from an annotation ("../../etc/x.png", "/home/x.png") must not reach out of the dataset:
  // judged on the path as written (links inside the root, which datasets are often assembled from, are followed).
  for (const std::string& candidate : candidates) {
    const fs::path normal = fs::path(candidate).lexically_normal();
    if (normal.is_absolute() || (!normal.empty() && *normal.begin() == "..")) {
      AddReject(batch, file.path, 0, code::kPathOutsideRoot,
                "the image path " + candidate + " of " + record->image.id + " leaves the dataset root", "",
                object_count);
      return false;
    }
  }
  std::string found;
  std::error_code ec;
  for (const std::string& candidate : candidates) {
    if (fs::is_regular_file(JoinPath(ctx.root, candidate), ec)) {
      found = candidate;
      break;
    }
  }
  std::string found_absolute = found.empty() ? std::string() : JoinPath(ctx.root, found);
  if (found.empty() && !ctx.image_root.empty()) {
    const std::string stem = Stem(record->image.id);
    for (const std::string& candidate : ImageCandidates(ctx.image_root, stem)) {
      if (fs::is_regular_file(candidate, ec)) {
        found = found_absolute = candidate;
        break;
      }
    }
  }
  if (found.empty()) {
    AddReject(batch, file.path, 0, code::kMissingImage,
              "no image for " + record->image.id + " (looked for " +
                  (candidates.empty() ? std::string("nothing") : candidates.front()) + " and other extensions)",
              "", object_count);
    return false;
  }
  auto info = raster::ReadImageInfo(found_absolute);
  if (!info.ok()) {
    AddReject(batch, file.path, 0, code::kUnreadableImage,
              "cannot read image " + found + ": " + info.status().message(), "", object_count);
    return false;
  }
  if (record->image.width > 0 && (record->image.width != info->width || record->image.height != info->height)) {
    AddReject(batch, file.path, 0, code::kSizeMismatch,
              "annotation says " + std::to_string(record->image.width) + "x" + std::to_string(record->image.height) +
                  ", image " + found + " is " + std::to_string(info->width) + "x" + std::to_string(info->height) +
                  "; using the image's size",
              "", 0, Severity::kWarning);
  }
  record->image.path = found;
  record->image.width = info->width;
  record->image.height = info->height;
  record->image.bands = info->bands;
  if (info->gsd) record->image.gsd = info->gsd;
  record->geotransform = info->geotransform;
  record->crs_wkt = info->crs_wkt;
  return true;
}

void AddImage(const ReaderContext& ctx, const SourceFile& file, catalog::ImageRecord record,
              catalog::SourceBatch* batch, const std::function<std::string(int64_t)>& raw_line) {
  // After LocateImage, the size is the image's own whenever images are read.
  const bool size_from_image = ctx.read_images;
  // Classes repeat within a file: normalise each spelling once.
  std::unordered_map<std::string, std::pair<std::string, bool>> class_cache;
  std::vector<catalog::ObjectRecord> kept;
  kept.reserve(record.objects.size());
  // Where each object went in `kept` (-1: rejected), so the expressions can follow their objects.
  std::vector<int> kept_index(record.objects.size(), -1);
  const double width = record.image.width, height = record.image.height;
  for (size_t i = 0; i < record.objects.size(); ++i) {
    catalog::ObjectRecord& o = record.objects[i];
    auto cached = class_cache.find(o.object.raw_class);
    if (cached == class_cache.end()) {
      std::string key = NormaliseClassKey(o.object.raw_class);
      const bool known = ctx.known_class_keys.empty() || ctx.known_class_keys.count(key) > 0;
      cached = class_cache.emplace(o.object.raw_class, std::make_pair(std::move(key), known)).first;
    }
    o.object.class_key = cached->second.first;
    // Built only for the objects that get a reject row: most objects never need it.
    auto raw = [&] { return raw_line ? raw_line(o.line) : o.object.raw_class + " " + BoxText(o.object.hbb); };
    if (!cached->second.second) {
      if (ctx.unknown_class == UnknownClassPolicy::kReject) {
        AddReject(batch, file.path, o.line, code::kUnknownClass,
                  "class '" + o.object.raw_class + "' is not in the manifest", raw(), 1);
        continue;
      }
      o.flags |= catalog::kFlagUnknownClass;
      AddReject(batch, file.path, o.line, code::kUnknownClass,
                "class '" + o.object.raw_class + "' is not in the manifest; kept and flagged", raw(), 0,
                Severity::kWarning);
    }
    Box& b = o.object.hbb;
    if (!(b.x2 > b.x1) || !(b.y2 > b.y1)) {
      AddReject(batch, file.path, o.line, code::kDegenerateBox, "box has no area (" + BoxText(b) + ")", raw(), 1);
      continue;
    }
    if (o.object.quad && IsInvalidQuad(*o.object.quad)) {
      o.flags |= catalog::kFlagInvalidQuad;
      AddReject(batch, file.path, o.line, code::kInvalidQuad,
                "quad self-intersects or has no area; kept as given, HBB from its extremes", raw(), 0,
                Severity::kWarning);
    }
    if (size_from_image && (b.x1 < 0 || b.y1 < 0 || b.x2 > width || b.y2 > height)) {
      const Box clamped{std::clamp(b.x1, 0.0, width), std::clamp(b.y1, 0.0, height), std::clamp(b.x2, 0.0, width),
                        std::clamp(b.y2, 0.0, height)};
      const std::string where = "box " + BoxText(b) + " reaches outside the " + std::to_string(record.image.width) +
                                "x" + std::to_string(record.image.height) + " image";
      if (ctx.out_of_bounds == OutOfBoundsPolicy::kReject || !(clamped.x2 > clamped.x1) || !(clamped.y2 > clamped.y1)) {
        AddReject(batch, file.path, o.line, code::kOutOfBounds,
                  where + (ctx.out_of_bounds == OutOfBoundsPolicy::kReject ? "" : " entirely"), raw(), 1);
        continue;
      }
      b = clamped;
      o.flags |= catalog::kFlagClamped;
      AddReject(batch, file.path, o.line, code::kOutOfBounds, where + "; HBB clamped, quad kept as given", raw(), 0,
                Severity::kWarning);
    }
    kept_index[i] = static_cast<int>(kept.size());
    kept.push_back(std::move(o));
  }
  if (kept.size() < record.objects.size()) {
    std::vector<catalog::ExpressionRecord> expressions;
    for (catalog::ExpressionRecord& e : record.expressions) {
      if (e.object_index >= 0 && e.object_index < static_cast<int>(kept_index.size())) {
        e.object_index = kept_index[static_cast<size_t>(e.object_index)];
        if (e.object_index < 0) continue;  // its object was rejected, and the expression names nothing else
      }
      expressions.push_back(std::move(e));
    }
    record.expressions = std::move(expressions);
  }
  record.objects = std::move(kept);
  batch->images.push_back(std::move(record));
}

void FinishImage(const ReaderContext& ctx, const SourceFile& file, const std::vector<std::string>& candidates,
                 catalog::ImageRecord record, catalog::SourceBatch* batch,
                 const std::function<std::string(int64_t)>& raw_line) {
  if (LocateImage(ctx, file, candidates, &record, batch)) AddImage(ctx, file, std::move(record), batch, raw_line);
}

}  // namespace mgrs::ingest
