// libFuzzer harness: the state-dict unpickler (torch.save's data.pkl) on arbitrary bytes; every tensor it accepts
// must have a known dtype and lie inside its storage, as the archive reader relies on (else it traps).
#include <cstddef>
#include <cstdint>
#include <string>

#include "mgrs/model/safetensors_header.h"
#include "mgrs/model/state_dict_pickle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto tensors = mgrs::model::ParseStateDictPickle(std::string(reinterpret_cast<const char*>(data), size));
  if (!tensors.ok()) return 0;
  for (const auto& tensor : *tensors) {
    if (mgrs::model::SafetensorsDTypeSize(tensor.dtype) == 0 || tensor.shape.size() != tensor.stride.size() ||
        tensor.storage_offset < 0 || tensor.storage_numel < 0) {
      __builtin_trap();
    }
    unsigned __int128 last = static_cast<uint64_t>(tensor.storage_offset);
    bool empty = false;
    for (size_t d = 0; d < tensor.shape.size(); ++d) {
      if (tensor.shape[d] == 0) empty = true;
      if (tensor.shape[d] > 0) last += static_cast<unsigned __int128>(tensor.shape[d] - 1) * tensor.stride[d];
    }
    if (!empty && last >= static_cast<uint64_t>(tensor.storage_numel)) __builtin_trap();
  }
  return 0;
}
