// Atomic writes: the target holds the old or the new contents, never a mix.
#include "mgrs/core/files.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <filesystem>

#include <gtest/gtest.h>

#include "test_support.h"

namespace mgrs {
namespace {

TEST(AtomicFileWriterTest, CommitReplacesTheTarget) {
  const std::string path = testing::ScratchDir("atomic-commit") + "/out.txt";
  ASSERT_TRUE(WriteFileAtomically(path, "old\n").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "new\n").ok());
  EXPECT_EQ(*ReadFile(path), "new\n");
}

TEST(AtomicFileWriterTest, AbandonedWriteLeavesTheOldFileAndNoTemporary) {
  const std::string dir = testing::ScratchDir("atomic-abandon");
  const std::string path = dir + "/out.txt";
  ASSERT_TRUE(WriteFileAtomically(path, "old\n").ok());
  {
    auto writer = AtomicFileWriter::Create(path);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Append("half of the new").ok());
    // No Commit: as if the process failed half-way.
  }
  EXPECT_EQ(*ReadFile(path), "old\n");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator{}), 1);
}

TEST(AtomicFileWriterTest, FailedRenameLeavesTheOldFile) {
  const std::string dir = testing::ScratchDir("atomic-fail");
  const std::string path = dir + "/target";
  // The target is a non-empty directory: rename(2) over it fails after the data was written.
  std::filesystem::create_directories(path + "/keep");
  auto writer = AtomicFileWriter::Create(path);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append("new").ok());
  const Status status = (*writer)->Commit();
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_NE(status.message().find(path), std::string::npos);
  EXPECT_TRUE(std::filesystem::is_directory(path + "/keep"));
}

TEST(AtomicFileWriterTest, UnwritableFolderIsAnIoError) {
  auto writer = AtomicFileWriter::Create("/nonexistent-folder/out.txt");
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.status().code(), StatusCode::kIoError);
}

// A file-size limit on this process for one scope (SIGXFSZ ignored, so a write past it fails with EFBIG).
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    previous_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_);
  }

 private:
  rlimit saved_{};
  void (*previous_)(int) = nullptr;
};

TEST(WriteFilesAtomicallyTest, AFailedWriteReplacesNoneOfTheFiles) {
  const std::string dir = testing::ScratchDir("write-together");
  ASSERT_TRUE(WriteFilesAtomically({{dir + "/a.json", "old a"}, {dir + "/b.html", "old b"}}).ok());
  Status status;
  {
    const FileSizeLimit limit(64 << 10);
    status = WriteFilesAtomically({{dir + "/a.json", "new a"}, {dir + "/b.html", std::string(256 << 10, 'b')}});
  }
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_NE(status.message().find(dir + "/b.html.tmp."), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("File too large"), std::string::npos) << status.message();
  EXPECT_EQ(*ReadFile(dir + "/a.json"), "old a");  // written in full, but not renamed: b failed
  EXPECT_EQ(*ReadFile(dir + "/b.html"), "old b");
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) files += entry.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 2u);  // no temporary file left
}

TEST(LineReaderTest, CountsLinesAndStripsLineEnds) {
  const std::string path = testing::ScratchDir("lines") + "/in.txt";
  ASSERT_TRUE(WriteFileAtomically(path, "a\r\nb\n\nc").ok());
  auto reader = LineReader::Open(path);
  ASSERT_TRUE(reader.ok());
  std::vector<std::string> lines;
  std::string line;
  while (reader->Next(&line)) lines.push_back(line);
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(reader->line_number(), 4);
  EXPECT_TRUE(reader->last_line_unterminated());
}

TEST(ResolveInsideRootTest, RelativePathsJoinTheRootAndEscapesAreRefused) {
  std::string path = "untouched";
  EXPECT_TRUE(ResolveInsideRoot("/data/root", "images/a.png", &path));
  EXPECT_EQ(path, "/data/root/images/a.png");
  for (const char* escaping : {"", "/etc/passwd", "../a.png", "images/../../a.png", "images/.."}) {
    path = "untouched";
    EXPECT_FALSE(ResolveInsideRoot("/data/root", escaping, &path)) << escaping;
    EXPECT_EQ(path, "untouched") << escaping;
  }
}

}  // namespace
}  // namespace mgrs
