// Scratch files for the harnesses and the one loop every reader harness runs.
#include "fuzz_support.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "mgrs/ingest/reader.h"

namespace mgrs::fuzz {

std::string WriteInput(const std::string& name, const std::string& relative, const uint8_t* data, size_t size) {
  const std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("mgrs-fuzz-" + std::to_string(::getpid()) + "-" + name);
  const std::filesystem::path file = root / relative;
  std::filesystem::create_directories(file.parent_path());
  std::FILE* out = std::fopen(file.c_str(), "wb");
  if (!out) std::abort();  // the harness cannot run at all: not a finding in the code under test
  if (size > 0 && std::fwrite(data, 1, size, out) != size) std::abort();
  std::fclose(out);
  return root.string();
}

void FuzzReader(const char* format, const std::string& relative, const uint8_t* data, size_t size) {
  static const std::unique_ptr<ingest::FormatReader> reader = ingest::MakeReader(format);
  if (!reader) std::abort();
  ingest::ReaderContext ctx;
  ctx.root = WriteInput(format, relative, data, size);
  ctx.dataset = format;
  ctx.read_images = false;  // annotations only: the harness is about the parser, not image decoding
  auto files = reader->ListFiles(ctx);
  if (!files.ok()) return;
  for (const ingest::SourceFile& file : *files) {
    auto batch = reader->Read(file, ctx);
    (void)batch;
  }
}

}  // namespace mgrs::fuzz
