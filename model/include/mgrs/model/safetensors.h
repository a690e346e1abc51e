// safetensors files: a validating, memory-mapped reader and an atomic writer (format: research/model.md 3.6).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

#include "mgrs/core/status.h"

namespace mgrs::model {

// One tensor of a safetensors header. Offsets are relative to the data section, as in the file.
struct SafetensorsEntry {
  std::string name;
  std::string dtype_name;  // "F32", "BF16", ...
  c10::ScalarType dtype = c10::ScalarType::Float;
  std::vector<int64_t> shape;
  uint64_t begin = 0;
  uint64_t end = 0;
  int64_t numel() const;
};

// The parsed and validated header of one file.
struct SafetensorsHeader {
  std::vector<SafetensorsEntry> entries;  // in data order (ascending begin)
  std::map<std::string, std::string> metadata;
  uint64_t data_offset = 0;  // 8 + header length: where the data section starts in the file
};

// Validates a whole file's bytes up to the data section: the 8-byte little-endian header length (at most 100 MB and
// inside the file), JSON that starts with '{' and parses, no duplicate names, known dtypes (F64 F32 F16 BF16 I64
// I32 I16 I8 U8 BOOL), shapes of rank <= 8 with non-negative dimensions whose byte size does not overflow,
// end - begin == numel * itemsize, and data ranges that lie inside the file and cover the data section exactly
// (no overlaps, no holes). `file_size` is the size of the whole file; only `prefix` (the first 8 + N bytes, or
// fewer when the file is shorter) is read. Failure: ParseError / Corruption naming the tensor at fault.
Result<SafetensorsHeader> ParseSafetensorsHeader(std::string_view prefix, uint64_t file_size);

// A memory-mapped, validated safetensors file. Open is the only way to make one; it is immutable afterwards and
// safe to share between threads.
class SafetensorsFile {
 public:
  // Maps `path` read-only (private copy-on-write) and validates its header. Failure: IoError, ParseError,
  // Corruption; the message starts with the path.
  static Result<std::shared_ptr<const SafetensorsFile>> Open(const std::string& path);

  const std::string& path() const { return path_; }
  const SafetensorsHeader& header() const { return header_; }
  const std::vector<SafetensorsEntry>& entries() const { return header_.entries; }
  const std::map<std::string, std::string>& metadata() const { return header_.metadata; }
  // nullptr when absent.
  const SafetensorsEntry* Find(std::string_view name) const;

  // A CPU tensor of `name`. Zero-copy: the tensor views the mapping and holds a reference to it, so the mapping
  // lives as long as the tensor (even after this SafetensorsFile is gone). Writes into the tensor stay private
  // (copy-on-write pages); the file never changes. When the data is not aligned for its dtype the tensor is an
  // owned copy instead. Failure: NotFound.
  Result<at::Tensor> Tensor(std::string_view name) const;

  struct Mapping;  // the mmap region; public only so the .cpp can name it

 private:
  SafetensorsFile() = default;
  std::string path_;
  SafetensorsHeader header_;
  std::shared_ptr<Mapping> mapping_;
  std::map<std::string, size_t, std::less<>> index_;
};

// The safetensors dtype name of a LibTorch dtype ("F32"), or nullptr when safetensors has none.
const char* SafetensorsDTypeName(c10::ScalarType dtype);

// Writes `tensors` (any device, layout or contiguity; copied to CPU row-major) to `path` atomically (temporary
// file + rename). Names must be unique and non-empty. Data are ordered by element size then name so that every
// tensor is aligned for its dtype; the header is padded with spaces to a multiple of 8 bytes. Failure:
// InvalidArgument (duplicate name, unsupported dtype), IoError.
Status WriteSafetensors(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                        const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

}  // namespace mgrs::model
