// safetensors: the memory-mapped reader and the atomic writer (the header is parsed by safetensors_header.cpp).
#include "mgrs/model/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "mgrs/core/files.h"

namespace mgrs::model {
namespace {

struct DTypeInfo {
  const char* name;
  c10::ScalarType dtype;
  uint64_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {"F64", c10::ScalarType::Double, 8},    {"F32", c10::ScalarType::Float, 4}, {"F16", c10::ScalarType::Half, 2},
    {"BF16", c10::ScalarType::BFloat16, 2}, {"I64", c10::ScalarType::Long, 8},  {"I32", c10::ScalarType::Int, 4},
    {"I16", c10::ScalarType::Short, 2},     {"I8", c10::ScalarType::Char, 1},   {"U8", c10::ScalarType::Byte, 1},
    {"BOOL", c10::ScalarType::Bool, 1},
};

const DTypeInfo* FindDType(std::string_view name) {
  for (const auto& info : kDTypes) {
    if (name == info.name) return &info;
  }
  return nullptr;
}

const DTypeInfo* FindDType(c10::ScalarType dtype) {
  for (const auto& info : kDTypes) {
    if (dtype == info.dtype) return &info;
  }
  return nullptr;
}

}  // namespace

const char* SafetensorsDTypeName(c10::ScalarType dtype) {
  const DTypeInfo* info = FindDType(dtype);
  return info == nullptr ? nullptr : info->name;
}

std::optional<c10::ScalarType> SafetensorsScalarType(std::string_view dtype_name) {
  const DTypeInfo* info = FindDType(dtype_name);
  if (info == nullptr) return std::nullopt;
  return info->dtype;
}

struct SafetensorsFile::Mapping {
  void* address = nullptr;
  size_t size = 0;
  ~Mapping() {
    if (address != nullptr) munmap(address, size);
  }
};

Result<std::shared_ptr<const SafetensorsFile>> SafetensorsFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError(path + ": cannot open: " + std::strerror(errno));
  struct stat info {};
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return IoError(path + ": not a regular file");
  }
  auto mapping = std::make_shared<Mapping>();
  mapping->size = static_cast<size_t>(info.st_size);
  if (mapping->size > 0) {
    // Private and writable: a tensor that is modified in place gets its own copy of the touched pages.
    void* address = mmap(nullptr, mapping->size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (address == MAP_FAILED) {
      const int error = errno;
      ::close(fd);
      return IoError(path + ": mmap failed: " + std::strerror(error));
    }
    mapping->address = address;
  }
  ::close(fd);
  const std::string_view bytes(static_cast<const char*>(mapping->address), mapping->size);
  auto header = ParseSafetensorsHeader(bytes, mapping->size);
  if (!header.ok()) return Status(header.status().code(), path + ": " + header.status().message());
  std::shared_ptr<SafetensorsFile> file(new SafetensorsFile());
  file->path_ = path;
  file->header_ = std::move(*header);
  file->mapping_ = std::move(mapping);
  for (size_t i = 0; i < file->header_.entries.size(); ++i) file->index_[file->header_.entries[i].name] = i;
  return std::shared_ptr<const SafetensorsFile>(std::move(file));
}

const SafetensorsEntry* SafetensorsFile::Find(std::string_view name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? nullptr : &header_.entries[it->second];
}

Result<at::Tensor> SafetensorsFile::Tensor(std::string_view name) const {
  const SafetensorsEntry* entry = Find(name);
  if (entry == nullptr) return NotFound(path_ + ": no tensor \"" + std::string(name) + "\"");
  const auto dtype = SafetensorsScalarType(entry->dtype_name);  // known: the header parser accepted it
  if (!dtype) return Internal(path_ + ": tensor \"" + entry->name + "\" has dtype " + entry->dtype_name);
  const auto options = at::TensorOptions().dtype(*dtype).device(at::kCPU);
  const uint64_t bytes = entry->end - entry->begin;
  if (bytes == 0) return at::empty(entry->shape, options);
  char* data = static_cast<char*>(mapping_->address) + header_.data_offset + entry->begin;
  const auto item_size = static_cast<uintptr_t>(c10::elementSize(*dtype));
  if (reinterpret_cast<uintptr_t>(data) % item_size != 0) {
    at::Tensor copy = at::empty(entry->shape, options);
    std::memcpy(copy.data_ptr(), data, bytes);
    return copy;
  }
  std::shared_ptr<Mapping> keep_alive = mapping_;
  return at::from_blob(
      data, entry->shape, [keep_alive](void*) mutable { keep_alive.reset(); }, options);
}

Status WriteSafetensors(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                        const std::map<std::string, std::string>& metadata) {
  struct Item {
    const std::string* name;
    at::Tensor data;
    const DTypeInfo* dtype;
  };
  std::vector<Item> items;
  std::set<std::string_view> names;
  for (const auto& [name, tensor] : tensors) {
    if (name.empty() || name == "__metadata__") return InvalidArgument("safetensors: bad tensor name \"" + name + "\"");
    if (!names.insert(name).second) return InvalidArgument("safetensors: duplicate tensor name \"" + name + "\"");
    const DTypeInfo* dtype = FindDType(tensor.scalar_type());
    if (dtype == nullptr) {
      return InvalidArgument("safetensors: tensor \"" + name + "\" has unsupported dtype " +
                             std::string(c10::toString(tensor.scalar_type())));
    }
    items.push_back({&name, tensor.detach().to(at::kCPU).contiguous(), dtype});
  }
  // Larger elements first, so that every tensor starts at a multiple of its element size.
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return a.dtype->size != b.dtype->size ? a.dtype->size > b.dtype->size : *a.name < *b.name;
  });
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const auto& item : items) {
    const uint64_t bytes = static_cast<uint64_t>(item.data.numel()) * item.dtype->size;
    header[*item.name] = {
        {"dtype", item.dtype->name}, {"shape", item.data.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  const uint64_t header_size = text.size();
  auto writer = AtomicFileWriter::Create(path);
  if (!writer.ok()) return writer.status();
  MGRS_RETURN_IF_ERROR((*writer)->Append(std::string_view(reinterpret_cast<const char*>(&header_size), 8)));
  MGRS_RETURN_IF_ERROR((*writer)->Append(text));
  for (const auto& item : items) {
    const size_t bytes = static_cast<size_t>(item.data.numel()) * item.dtype->size;
    if (bytes > 0)
      MGRS_RETURN_IF_ERROR((*writer)->Append(std::string_view(static_cast<const char*>(item.data.data_ptr()), bytes)));
  }
  return (*writer)->Commit();
}

}  // namespace mgrs::model
