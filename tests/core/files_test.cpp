// Atomic writes: the target holds the old or the new contents, never a mix.
#include "mgrs/core/files.h"

#include <sys/stat.h>

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

}  // namespace
}  // namespace mgrs
