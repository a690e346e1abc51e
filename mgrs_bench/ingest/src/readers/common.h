// What the readers share: number parsing, file listing, split inference, the image lookup and the manifest's
// policies applied to every object (unknown classes, boxes outside the image, degenerate geometry).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mgrs/catalog/batch.h"
#include "mgrs/ingest/reader.h"

namespace mgrs::ingest {

// Reject codes (docs/catalog.md lists them with their meaning).
namespace code {
inline constexpr const char* kTruncatedLine = "TRUNCATED_LINE";
inline constexpr const char* kExtraFields = "EXTRA_FIELDS";
inline constexpr const char* kBadNumber = "BAD_NUMBER";
inline constexpr const char* kBadHeader = "BAD_HEADER";
inline constexpr const char* kInvalidUtf8 = "INVALID_UTF8";
inline constexpr const char* kUnknownClass = "UNKNOWN_CLASS";
inline constexpr const char* kOutOfBounds = "OUT_OF_BOUNDS";
inline constexpr const char* kDegenerateBox = "DEGENERATE_BOX";
inline constexpr const char* kInvalidQuad = "INVALID_QUAD";
inline constexpr const char* kMissingImage = "MISSING_IMAGE";
inline constexpr const char* kPathOutsideRoot = "PATH_OUTSIDE_ROOT";
inline constexpr const char* kUnreadableImage = "UNREADABLE_IMAGE";
inline constexpr const char* kSizeMismatch = "SIZE_MISMATCH";
inline constexpr const char* kBadXml = "BAD_XML";
inline constexpr const char* kMissingField = "MISSING_FIELD";
inline constexpr const char* kBadPoints = "BAD_POINTS";
inline constexpr const char* kBadJson = "BAD_JSON";
inline constexpr const char* kUnknownCategory = "UNKNOWN_CATEGORY";
inline constexpr const char* kDanglingReference = "DANGLING_REFERENCE";
inline constexpr const char* kIndexOutOfRange = "INDEX_OUT_OF_RANGE";
inline constexpr const char* kEmptyText = "EMPTY_TEXT";
inline constexpr const char* kUnpairedLine = "UNPAIRED_LINE";
inline constexpr const char* kBadBox = "BAD_BOX";
inline constexpr const char* kLineTooLong = "LINE_TOO_LONG";
}  // namespace code

// The longest line of an annotation text file a reader keeps; no real annotation line comes near it (a DOTA
// object is about 100 bytes, a caption a few hundred).
inline constexpr size_t kMaxAnnotationLineBytes = size_t{1} << 20;

// Strict decimal parsing of a whole token (from_chars: no locale, no leading '+', no trailing junk, finite only).
bool ParseNumber(std::string_view text, double* value);
bool ParseInteger(std::string_view text, int64_t* value);

// Splits on ASCII whitespace into at most `max` tokens; returns the count (more than max means "too many").
size_t SplitTokens(std::string_view line, std::string_view* tokens, size_t max);

// Every regular file under `root` whose name ends with `extension` (case-insensitive), relative, sorted, with
// "/" separators. Folders named in `skip_dirs` are not entered. Links to folders are followed, but each folder
// (by device and inode) is entered once: a link loop lists its files once, under the first path reached.
// `progress` (may be empty) is called after each folder is entered (ReaderContext::listing_progress).
Result<std::vector<std::string>> ListFilesWithExtension(
    const std::string& root, const std::string& extension, const std::vector<std::string>& skip_dirs = {},
    const std::function<void(int64_t folders, int64_t files)>& progress = {});
// The same under ctx.root, reporting to ctx.listing_progress.
Result<std::vector<std::string>> ListFilesWithExtension(const ReaderContext& ctx, const std::string& extension,
                                                        const std::vector<std::string>& skip_dirs = {});

// One SourceFile (split "all") per file under ctx.root ending with `extension`, for formats whose whole dataset
// lives in one or a few files; NotFound naming `what` when there is none.
Result<std::vector<SourceFile>> ListWholeDatasetFiles(const ReaderContext& ctx, const std::string& extension,
                                                      const std::string& what);

// The first folder of `relative_path` that is a split name (train, val, validation, test, test-dev,
// test-challenge, trainval); "all" when none is.
std::string SplitFromPath(const std::string& relative_path);
std::string Stem(const std::string& path);
std::string ParentOf(const std::string& relative_path);  // "" for a file at the root
std::string JoinPath(const std::string& a, const std::string& b);

void AddReject(catalog::SourceBatch* batch, const std::string& path, int64_t line, const char* code,
               std::string message, std::string raw, int64_t objects, Severity severity = Severity::kError);

// Completes one image of a batch and moves it in:
//  - unless --no-images: finds the image among `candidates` (paths relative to the root, tried in order, then
//    <image_root>/<stem>.<ext>) and reads its header (size, bands, GSD, georeferencing); a missing or unreadable
//    image rejects the whole record (MISSING_IMAGE / UNREADABLE_IMAGE) and all its objects;
//  - applies the manifest to every object: unknown classes (flag + warning, or reject), degenerate boxes
//    (reject), invalid quads (flag + warning) and, when the image size is known from the image, boxes outside it
//    (clamp + warning, or reject).
// `record.image.width/height` may hold the annotation's size (used under --no-images, checked otherwise).
// `raw_line` gives an object's source text for its reject (by ObjectRecord::line); without it the reject shows the
// class and box.
// Expressions follow their objects: one whose object is rejected goes with it, the others point at the same object
// as before.
void FinishImage(const ReaderContext& ctx, const SourceFile& file, const std::vector<std::string>& candidates,
                 catalog::ImageRecord record, catalog::SourceBatch* batch,
                 const std::function<std::string(int64_t)>& raw_line = {});

// FinishImage in two steps, for readers that need the image's size before they can place their objects (boxes
// relative to the image, as VRSBench's 0-100 grid). LocateImage does the image lookup: it fills the record's path,
// size, bands, GSD and georeferencing and returns true, or adds MISSING_IMAGE / UNREADABLE_IMAGE (the whole record
// and its objects) and returns false; under --no-images it returns true and changes nothing. AddImage applies the
// manifest to the objects and moves the record in; REQUIRES: LocateImage returned true for the record.
bool LocateImage(const ReaderContext& ctx, const SourceFile& file, const std::vector<std::string>& candidates,
                 catalog::ImageRecord* record, catalog::SourceBatch* batch);
void AddImage(const ReaderContext& ctx, const SourceFile& file, catalog::ImageRecord record,
              catalog::SourceBatch* batch, const std::function<std::string(int64_t)>& raw_line = {});

// The candidates "<dir>/<stem>.<ext>" for the usual image extensions.
std::vector<std::string> ImageCandidates(const std::string& dir, const std::string& stem);

// Parses a whole JSON file. Malformed JSON adds a whole-file BAD_JSON reject naming the line and byte offset and
// returns nullopt; an unreadable file is an I/O error.
Result<std::optional<nlohmann::json>> ReadJsonFile(const ReaderContext& ctx, const std::string& path,
                                                   catalog::SourceBatch* batch);
// Text of a string member ("" when absent or not a string); an integer becomes its decimal text.
std::string JsonText(const nlohmann::json& object, const char* key);
// The first of `candidates` (relative to the root) that is a regular file, or "".
std::string FirstExisting(const ReaderContext& ctx, const std::vector<std::string>& candidates);
// Reads a text file as lines (CRLF, BOM stripped); an unreadable file is an I/O error. A line longer than
// kMaxAnnotationLineBytes is read past without being kept: with a batch it becomes an empty line (the numbering
// holds) and a LINE_TOO_LONG reject of `reported` (the file's path as rejects name it) that counts
// `objects_per_line` objects lost; without a batch (the split lists) the read fails, naming the file and line.
Result<std::vector<std::string>> ReadLines(const std::string& path, catalog::SourceBatch* batch = nullptr,
                                           const std::string& reported = "", int64_t objects_per_line = 0);
// The LINE_TOO_LONG reject of one line (`text` is its start).
void RejectLongLine(catalog::SourceBatch* batch, const std::string& path, int64_t line, std::string_view text,
                    int64_t objects);

// "dataset/split/stem".
std::string ImageId(const ReaderContext& ctx, const SourceFile& file, const std::string& stem);
std::string EffectiveSplit(const ReaderContext& ctx, const SourceFile& file);

}  // namespace mgrs::ingest
