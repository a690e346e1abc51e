// libFuzzer harness: the safetensors header parser on arbitrary bytes taken as a whole file; what it accepts must
// keep the promises the memory-mapped reader relies on (a broken one traps, so the fuzzer records the input).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mgrs/model/safetensors_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view file(reinterpret_cast<const char*>(data), size);
  const auto header = mgrs::model::ParseSafetensorsHeader(file, size);
  if (!header.ok()) return 0;
  if (header->data_offset > size) __builtin_trap();
  uint64_t covered = 0;
  for (const auto& entry : header->entries) {
    const uint64_t item = mgrs::model::SafetensorsDTypeSize(entry.dtype_name);
    if (item == 0 || entry.shape.size() > 8 || entry.begin != covered || entry.end < entry.begin) __builtin_trap();
    if (static_cast<uint64_t>(entry.numel()) * item != entry.end - entry.begin) __builtin_trap();
    covered = entry.end;
  }
  if (header->data_offset + covered != size) __builtin_trap();
  return 0;
}
