// torch.save zip archives read through LibTorch's PyTorchStreamReader; data.pkl is parsed by state_dict_pickle.cpp.
#include "mgrs/model/pickle.h"

#include <caffe2/serialize/inline_container.h>

#include <cstring>
#include <map>
#include <memory>

#include <torch/torch.h>

#include "mgrs/model/safetensors.h"

namespace mgrs::model {
namespace {

// The archive's records, through LibTorch's own zip reader; c10::Error becomes a Status here.
Result<std::unique_ptr<caffe2::serialize::PyTorchStreamReader>> OpenArchive(const std::string& path) {
  try {
    return std::make_unique<caffe2::serialize::PyTorchStreamReader>(path);
  } catch (const c10::Error& e) {
    return ParseError(path + ": not a torch.save zip archive: " + e.what_without_backtrace());
  }
}

Result<std::vector<PickledTensor>> ReadIndex(caffe2::serialize::PyTorchStreamReader& archive, const std::string& path) {
  std::string pickle;
  try {
    if (!archive.hasRecord("data.pkl")) return ParseError(path + ": the archive has no data.pkl");
    auto [data, size] = archive.getRecord("data.pkl");
    pickle.assign(static_cast<const char*>(data.get()), size);
  } catch (const c10::Error& e) {
    return ParseError(path + ": cannot read data.pkl: " + e.what_without_backtrace());
  }
  auto index = ParseStateDictPickle(pickle);
  if (!index.ok()) return Status(index.status().code(), path + ": " + index.status().message());
  return index;
}

}  // namespace

Result<std::vector<PickledTensor>> ReadTorchZipIndex(const std::string& path) {
  auto archive = OpenArchive(path);
  if (!archive.ok()) return archive.status();
  return ReadIndex(**archive, path);
}

Result<std::vector<std::pair<std::string, at::Tensor>>> LoadTorchZipStateDict(const std::string& path) {
  auto archive = OpenArchive(path);
  if (!archive.ok()) return archive.status();
  auto index = ReadIndex(**archive, path);
  if (!index.ok()) return index.status();
  std::map<std::string, c10::Storage> storages;
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const auto& entry : *index) {
    const auto dtype = SafetensorsScalarType(entry.dtype);  // known: the unpickler maps only known storages
    if (!dtype) return Internal(path + ": \"" + entry.name + "\" has dtype " + entry.dtype);
    auto it = storages.find(entry.storage_key);
    if (it == storages.end()) {
      const std::string record = "data/" + entry.storage_key;
      const size_t expected = static_cast<size_t>(entry.storage_numel) * c10::elementSize(*dtype);
      try {
        if (!(*archive)->hasRecord(record)) return Corruption(path + ": missing storage record " + record);
        auto [data, size] = (*archive)->getRecord(record);
        if (size != expected) {
          return Corruption(path + ": storage " + record + " has " + std::to_string(size) + " bytes, the pickle says " +
                            std::to_string(expected));
        }
        it = storages
                 .emplace(entry.storage_key,
                          c10::Storage(c10::Storage::use_byte_size_t(), size, std::move(data), nullptr, false))
                 .first;
      } catch (const c10::Error& e) {
        return ParseError(path + ": cannot read " + record + ": " + e.what_without_backtrace());
      }
    }
    at::Tensor tensor = at::empty({0}, at::TensorOptions().dtype(*dtype));
    tensor.set_(it->second, entry.storage_offset, entry.shape, entry.stride);
    tensors.emplace_back(entry.name, tensor.contiguous());
  }
  return tensors;
}

}  // namespace mgrs::model
