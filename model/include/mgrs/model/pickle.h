// PyTorch `.bin` state dicts (torch.save zip archives, as openai CLIP and liuhaotian LLaVA ship them), read by a
// small bounded unpickler of our own: LibTorch 1.13's torch::pickle_load and jit unpickler refuse real torch.save
// state dicts (they do not know SETITEMS on an OrderedDict nor `OrderedDict()` as a REDUCE), see docs/model.md.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

#include "mgrs/core/status.h"

namespace mgrs::model {

// One tensor of a pickled state dict, before its storage is read.
struct PickledTensor {
  std::string name;
  c10::ScalarType dtype = c10::ScalarType::Float;
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

// The tensor table of a torch.save zip archive (`<name>/data.pkl`), without reading tensor data.
// Failure: IoError / ParseError (not a zip, no data.pkl, refused pickle); the message starts with the path.
Result<std::vector<PickledTensor>> ReadTorchZipIndex(const std::string& path);

// Reads every tensor of a torch.save zip state dict into owned, contiguous CPU tensors (names in pickle order).
// Each storage record is read once; views that share a storage share it. Memory: the file's tensors, once.
// Failure: as ReadTorchZipIndex, plus Corruption when a storage record's size disagrees with the pickle.
Result<std::vector<std::pair<std::string, at::Tensor>>> LoadTorchZipStateDict(const std::string& path);

}  // namespace mgrs::model
