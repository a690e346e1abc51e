// The safetensors header (format: research/model.md 3.6), parsed and validated without LibTorch: dtypes are names
// and element sizes here, and the reader (safetensors.h) maps them to LibTorch's types.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mgrs/core/status.h"

namespace mgrs::model {

// One tensor of a safetensors header. Offsets are relative to the data section, as in the file.
struct SafetensorsEntry {
  std::string name;
  std::string dtype_name;  // "F32", "BF16", ...: one that SafetensorsDTypeSize knows
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

// Bytes per element of a dtype this project reads (F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL); 0 for any other name.
uint64_t SafetensorsDTypeSize(std::string_view dtype_name);

// Validates a whole file's bytes up to the data section: the 8-byte little-endian header length (at most 100 MB and
// inside the file), JSON that starts with '{' and parses, no duplicate names, known dtypes (SafetensorsDTypeSize),
// shapes of rank <= 8 with non-negative dimensions whose byte size does not overflow, end - begin == numel *
// itemsize, and data ranges that lie inside the file and cover the data section exactly (no overlaps, no holes).
// `file_size` is the size of the whole file; only `prefix` (the first 8 + N bytes, or fewer when the file is
// shorter) is read. Failure: ParseError / Corruption naming the tensor at fault. Pure; thread-safe.
Result<SafetensorsHeader> ParseSafetensorsHeader(std::string_view prefix, uint64_t file_size);

}  // namespace mgrs::model
