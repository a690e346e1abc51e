// PyTorch `.bin` state dicts (torch.save zip archives, as openai CLIP and liuhaotian LLaVA ship them), read with our
// own unpickler (state_dict_pickle.h): LibTorch 1.13's torch::pickle_load and jit unpickler refuse real torch.save
// state dicts (they do not know SETITEMS on an OrderedDict nor `OrderedDict()` as a REDUCE), see docs/model.md.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

#include "mgrs/core/status.h"
#include "mgrs/model/state_dict_pickle.h"

namespace mgrs::model {

// The tensor table of a torch.save zip archive (`<name>/data.pkl`), without reading tensor data.
// Failure: IoError / ParseError (not a zip, no data.pkl, refused pickle); the message starts with the path.
Result<std::vector<PickledTensor>> ReadTorchZipIndex(const std::string& path);

// Reads every tensor of a torch.save zip state dict into owned, contiguous CPU tensors (names in pickle order).
// Each storage record is read once; views that share a storage share it. Memory: the file's tensors, once.
// Failure: as ReadTorchZipIndex, plus Corruption when a storage record's size disagrees with the pickle.
Result<std::vector<std::pair<std::string, at::Tensor>>> LoadTorchZipStateDict(const std::string& path);

}  // namespace mgrs::model
