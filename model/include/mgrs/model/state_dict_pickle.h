// The pickle (data.pkl) of a torch.save state dict, read by a small bounded unpickler of our own, without LibTorch:
// dtypes are safetensors names here, which the archive reader (pickle.h) maps to LibTorch's types.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mgrs/core/status.h"

namespace mgrs::model {

// One tensor of a pickled state dict, before its storage is read.
struct PickledTensor {
  std::string name;
  std::string dtype = "F32";  // the safetensors name of its storage's dtype (safetensors_header.h)
  std::vector<int64_t> shape;
  std::vector<int64_t> stride;
  int64_t storage_offset = 0;  // in elements
  std::string storage_key;     // the record "data/<key>" of the archive
  int64_t storage_numel = 0;   // elements in the storage
};

// Parses a pickle (protocol 2-5 opcodes that torch.save emits) whose top-level object is a dict (or
// OrderedDict) of str -> tensor (`torch._utils._rebuild_tensor_v2` / `_rebuild_parameter` over typed storages).
// Only these globals are accepted: collections.OrderedDict, torch._utils._rebuild_tensor_v2,
// torch._utils._rebuild_parameter, torch.{Double,Float,Half,BFloat16,Long,Int,Short,Char,Byte,Bool}Storage;
// anything else (another class, a non-tensor value, an unknown opcode) is refused with ParseError. Bounded: it
// never reads past `pickle`, and a tensor's extent must lie inside its storage. Pure; thread-safe.
Result<std::vector<PickledTensor>> ParseStateDictPickle(const std::string& pickle);

}  // namespace mgrs::model
