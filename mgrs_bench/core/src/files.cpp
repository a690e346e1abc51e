// Line-by-line reading and atomic writing of files.
#include "mgrs/core/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace mgrs {
namespace {

constexpr size_t kBufferSize = 1 << 20;

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace

LineReader::LineReader(std::string path, std::FILE* file, size_t max_line_bytes)
    : path_(std::move(path)), file_(file), buffer_(new char[kBufferSize]), max_line_bytes_(max_line_bytes) {}

LineReader::LineReader(LineReader&& other) noexcept { *this = std::move(other); }

LineReader& LineReader::operator=(LineReader&& other) noexcept {
  if (this != &other) {
    if (file_) std::fclose(file_);
    path_ = std::move(other.path_);
    file_ = std::exchange(other.file_, nullptr);
    buffer_ = std::move(other.buffer_);
    begin_ = other.begin_;
    end_ = other.end_;
    line_number_ = other.line_number_;
    max_line_bytes_ = other.max_line_bytes_;
    unterminated_ = other.unterminated_;
    too_long_ = other.too_long_;
    eof_ = other.eof_;
    status_ = other.status_;
  }
  return *this;
}

LineReader::~LineReader() {
  if (file_) std::fclose(file_);
}

Result<LineReader> LineReader::Open(const std::string& path, size_t max_line_bytes) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return IoError("cannot open " + path + ": " + ErrnoText());
  return LineReader(path, file, max_line_bytes);
}

bool LineReader::Refill() {
  if (eof_) return false;
  begin_ = 0;
  end_ = std::fread(buffer_.get(), 1, kBufferSize, file_);
  if (end_ == 0) {
    if (std::ferror(file_)) status_ = IoError("read error in " + path_ + ": " + ErrnoText());
    eof_ = true;
    return false;
  }
  return true;
}

bool LineReader::Next(std::string* line) {
  line->clear();
  too_long_ = false;
  bool got_any = false;
  // Appends a piece of the line unless the line has outgrown the limit, from when on it is only skipped.
  const auto keep = [&](const char* start, size_t len) {
    if (too_long_) return;
    if (line->size() + len > max_line_bytes_) {
      too_long_ = true;
      std::string().swap(*line);
      return;
    }
    line->append(start, len);
  };
  while (true) {
    if (begin_ == end_ && !Refill()) break;
    got_any = true;
    const char* start = buffer_.get() + begin_;
    const void* newline = std::memchr(start, '\n', end_ - begin_);
    if (newline) {
      const size_t len = static_cast<const char*>(newline) - start;
      keep(start, len);
      begin_ += len + 1;
      ++line_number_;
      if (!line->empty() && line->back() == '\r') line->pop_back();
      if (line_number_ == 1 && line->compare(0, 3, "\xEF\xBB\xBF") == 0) line->erase(0, 3);
      return true;
    }
    keep(start, end_ - begin_);
    begin_ = end_;
  }
  if (!got_any || !status_.ok()) return false;
  ++line_number_;
  unterminated_ = true;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  if (line_number_ == 1 && line->compare(0, 3, "\xEF\xBB\xBF") == 0) line->erase(0, 3);
  return true;
}

Result<std::string> ReadFile(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return IoError("cannot open " + path + ": " + ErrnoText());
  std::string out;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) out.append(buffer, n);
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) return IoError("read error in " + path);
  return out;
}

AtomicFileWriter::AtomicFileWriter(std::string path, std::string temp_path, std::FILE* file)
    : path_(std::move(path)), temp_path_(std::move(temp_path)), file_(file) {}

AtomicFileWriter::~AtomicFileWriter() { Discard(); }

void AtomicFileWriter::Discard() {
  if (file_) {
    std::fclose(file_);
    file_ = nullptr;
  }
  if (!committed_ && !temp_path_.empty()) std::remove(temp_path_.c_str());
}

Result<std::unique_ptr<AtomicFileWriter>> AtomicFileWriter::Create(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  const std::string temp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  std::FILE* file = std::fopen(temp.c_str(), "wb");
  if (!file) return IoError("cannot create " + temp + ": " + ErrnoText());
  return std::unique_ptr<AtomicFileWriter>(new AtomicFileWriter(path, temp, file));
}

Status AtomicFileWriter::Append(std::string_view data) {
  if (!error_.ok()) return error_;
  if (!file_) return error_ = Internal("append to " + path_ + " after commit");
  if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
    error_ = IoError("write error in " + temp_path_ + ": " + ErrnoText());
  }
  return error_;
}

Status AtomicFileWriter::Sync() {
  if (!error_.ok()) return error_;
  if (!file_) return Internal("sync of " + path_ + " after it was closed");
  const bool flushed = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
  const int flush_errno = errno;
  const int close_result = std::fclose(file_);
  file_ = nullptr;
  if (!flushed || close_result != 0) {
    if (!flushed) errno = flush_errno;
    return error_ = IoError("cannot write " + temp_path_ + ": " + ErrnoText());
  }
  synced_ = true;
  return Status::Ok();
}

Status AtomicFileWriter::Commit() {
  if (!error_.ok()) return error_;
  if (committed_) return Internal("commit of " + path_ + " twice");
  if (!synced_) MGRS_RETURN_IF_ERROR(Sync());
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    return error_ = IoError("cannot rename " + temp_path_ + " to " + path_ + ": " + ErrnoText());
  }
  committed_ = true;
  // Make the rename itself durable.
  const std::string dir = std::filesystem::path(path_).parent_path().string();
  const int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  auto writer = AtomicFileWriter::Create(path);
  if (!writer.ok()) return writer.status();
  MGRS_RETURN_IF_ERROR((*writer)->Append(contents));
  return (*writer)->Commit();
}

Status CommitTogether(const std::vector<AtomicFileWriter*>& writers) {
  for (AtomicFileWriter* writer : writers) MGRS_RETURN_IF_ERROR(writer->Sync());
  for (AtomicFileWriter* writer : writers) MGRS_RETURN_IF_ERROR(writer->Commit());
  return Status::Ok();
}

Status WriteFilesAtomically(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::unique_ptr<AtomicFileWriter>> writers;
  std::vector<AtomicFileWriter*> pointers;
  for (const auto& [path, contents] : files) {
    auto writer = AtomicFileWriter::Create(path);
    if (!writer.ok()) return writer.status();
    MGRS_RETURN_IF_ERROR((*writer)->Append(contents));
    pointers.push_back(writer->get());
    writers.push_back(std::move(writer).value());
  }
  return CommitTogether(pointers);
}

bool ResolveInsideRoot(const std::string& root, const std::string& relative, std::string* path) {
  const std::filesystem::path rel(relative);
  if (relative.empty() || rel.is_absolute()) return false;
  for (const auto& part : rel) {
    if (part == "..") return false;
  }
  *path = (std::filesystem::path(root) / rel).string();
  return true;
}

}  // namespace mgrs
