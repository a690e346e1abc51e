// safetensors files: a validating, memory-mapped reader and an atomic writer (format: research/model.md 3.6).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

#include "mgrs/core/status.h"
#include "mgrs/model/safetensors_header.h"

namespace mgrs::model {

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
// The LibTorch dtype of a safetensors dtype name ("F32"), or nullopt when SafetensorsDTypeSize does not know it.
std::optional<c10::ScalarType> SafetensorsScalarType(std::string_view dtype_name);

// Writes `tensors` (any device, layout or contiguity; copied to CPU row-major) to `path` atomically (temporary
// file + rename). Names must be unique and non-empty. Data are ordered by element size then name so that every
// tensor is aligned for its dtype; the header is padded with spaces to a multiple of 8 bytes. Failure:
// InvalidArgument (duplicate name, unsupported dtype), IoError.
Status WriteSafetensors(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                        const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

}  // namespace mgrs::model
