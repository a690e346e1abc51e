// Reading text files line by line, and writing files atomically (temp file + rename).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mgrs/core/status.h"

namespace mgrs {

// Streams a text file line by line in constant memory (plus the longest line). Strips "\n" or "\r\n" and a
// UTF-8 byte-order mark at the start of the file. Not thread-safe; movable.
class LineReader {
 public:
  // Fails with kIoError (naming the file) when it cannot be opened. A line longer than `max_line_bytes` is not
  // kept: Next() skips the rest of it and returns it empty with last_line_too_long() set, so one runaway line
  // (a file with no line ends) costs no more memory than the limit.
  static Result<LineReader> Open(const std::string& path, size_t max_line_bytes = SIZE_MAX);

  LineReader(LineReader&&) noexcept;
  LineReader& operator=(LineReader&&) noexcept;
  ~LineReader();

  // Reads the next line into *line. Returns false at the end of the file or on a read error (see status()).
  bool Next(std::string* line);
  // 1-based number of the line last returned.
  int64_t line_number() const { return line_number_; }
  // True when the line last returned was the last one and had no line terminator.
  bool last_line_unterminated() const { return unterminated_; }
  // True when the line last returned was longer than the limit (and is returned empty).
  bool last_line_too_long() const { return too_long_; }
  const Status& status() const { return status_; }
  const std::string& path() const { return path_; }

 private:
  LineReader(std::string path, std::FILE* file, size_t max_line_bytes);
  bool Refill();

  std::string path_;
  std::FILE* file_ = nullptr;
  std::unique_ptr<char[]> buffer_;
  size_t begin_ = 0, end_ = 0;
  int64_t line_number_ = 0;
  size_t max_line_bytes_ = SIZE_MAX;
  bool unterminated_ = false;
  bool too_long_ = false;
  bool eof_ = false;
  Status status_;
};

// Reads a whole file into memory; kIoError names the file.
Result<std::string> ReadFile(const std::string& path);

// Writes a file so that readers see either the old contents or the complete new ones: data goes to a temporary
// file beside the target, and Commit() flushes, fsyncs and renames it over the target. Destroying the writer
// without a successful Commit() removes the temporary file and leaves the target untouched.
class AtomicFileWriter {
 public:
  static Result<std::unique_ptr<AtomicFileWriter>> Create(const std::string& path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  Status Append(std::string_view data);
  // Flushes, fsyncs and closes the temporary file: after it succeeds the new contents are complete on disk and
  // Commit() only renames. Called by Commit() when not called before.
  Status Sync();
  Status Commit();
  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }

 private:
  AtomicFileWriter(std::string path, std::string temp_path, std::FILE* file);
  void Discard();

  std::string path_, temp_path_;
  std::FILE* file_ = nullptr;
  bool synced_ = false;
  bool committed_ = false;
  Status error_;  // the first failed Append, reported again by Commit
};

// One-shot form of AtomicFileWriter.
Status WriteFileAtomically(const std::string& path, std::string_view contents);

// Commits writers that belong together (a report and its pages, a train and a test file) so that a failed write
// (a full disk, a file-size limit) replaces none of their targets: every temporary file is synced before the first
// rename. Only a rename failing part-way, which needs no space, can leave the first targets replaced.
Status CommitTogether(const std::vector<AtomicFileWriter*>& writers);
// One-shot form of CommitTogether: (path, contents) pairs.
Status WriteFilesAtomically(const std::vector<std::pair<std::string, std::string>>& files);

// Sets *path to `root`/`relative` when `relative` is a relative path with no ".." part; false (and *path untouched)
// for an empty, absolute or escaping path. Links inside the root are followed as they are (instruct's image folder
// is made of them), so a root must not hold links that point out of it.
bool ResolveInsideRoot(const std::string& root, const std::string& relative, std::string* path);

// The folders holding the manifests/ data (dataset manifests, templates, configs), in the order they are searched:
// $MGRS_MANIFESTS, the installed share/mgrs/manifests, the source tree's manifests/.
std::vector<std::string> ManifestDirs();
// The first existing <dir>/`relative` over ManifestDirs(); kNotFound lists the paths tried.
Result<std::string> FindManifestFile(const std::string& relative);

}  // namespace mgrs
