// safetensors: header validation, the memory-mapped reader and the atomic writer.
#include "mgrs/model/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>
#include <set>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "mgrs/core/files.h"

namespace mgrs::model {
namespace {

// Reference readers cap the header at 100 MB; a larger length is a corrupt or hostile file.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
constexpr size_t kMaxRank = 8;

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

Status Bad(const std::string& what) { return Corruption("safetensors: " + what); }

// Parses one tensor entry; checks everything that does not need the other entries.
Result<SafetensorsEntry> ParseEntry(const std::string& name, const nlohmann::json& value, uint64_t data_size) {
  const std::string where = "tensor \"" + name + "\": ";
  if (!value.is_object()) return ParseError("safetensors: " + where + "entry is not an object");
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (it.key() != "dtype" && it.key() != "shape" && it.key() != "data_offsets") {
      return ParseError("safetensors: " + where + "unknown field \"" + it.key() + "\"");
    }
  }
  if (!value.contains("dtype") || !value["dtype"].is_string()) {
    return ParseError("safetensors: " + where + "missing or non-string dtype");
  }
  SafetensorsEntry entry;
  entry.name = name;
  entry.dtype_name = value["dtype"].get<std::string>();
  const DTypeInfo* dtype = FindDType(entry.dtype_name);
  if (dtype == nullptr) return ParseError("safetensors: " + where + "unsupported dtype " + entry.dtype_name);
  entry.dtype = dtype->dtype;
  if (!value.contains("shape") || !value["shape"].is_array()) return ParseError("safetensors: " + where + "no shape");
  const auto& shape = value["shape"];
  if (shape.size() > kMaxRank) return Bad(where + "absurd shape (rank " + std::to_string(shape.size()) + " > 8)");
  uint64_t bytes = dtype->size;
  for (const auto& dim : shape) {
    if (!dim.is_number_unsigned()) return Bad(where + "absurd shape (dimensions must be non-negative integers)");
    const uint64_t d = dim.get<uint64_t>();
    if (d > static_cast<uint64_t>(INT64_MAX) || __builtin_mul_overflow(bytes, d, &bytes)) {
      return Bad(where + "absurd shape (its byte size overflows 64 bits)");
    }
    entry.shape.push_back(static_cast<int64_t>(d));
  }
  if (bytes > data_size) {
    return Bad(where + "absurd shape (needs " + std::to_string(bytes) + " bytes; the data section has " +
               std::to_string(data_size) + ")");
  }
  const auto& offsets = value.contains("data_offsets") ? value["data_offsets"] : nlohmann::json();
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned()) {
    return ParseError("safetensors: " + where + "data_offsets must be two non-negative integers");
  }
  entry.begin = offsets[0].get<uint64_t>();
  entry.end = offsets[1].get<uint64_t>();
  if (entry.begin > entry.end) return Bad(where + "data_offsets begin after they end");
  if (entry.end > data_size) {
    return Bad(where + "data_offsets [" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) +
               ") run past the end of the data section (" + std::to_string(data_size) + " bytes; truncated file?)");
  }
  if (entry.end - entry.begin != bytes) {
    return Bad(where + "size mismatch: data_offsets span " + std::to_string(entry.end - entry.begin) +
               " bytes, dtype x shape needs " + std::to_string(bytes));
  }
  return entry;
}

}  // namespace

int64_t SafetensorsEntry::numel() const {
  return std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<>());
}

const char* SafetensorsDTypeName(c10::ScalarType dtype) {
  const DTypeInfo* info = FindDType(dtype);
  return info == nullptr ? nullptr : info->name;
}

Result<SafetensorsHeader> ParseSafetensorsHeader(std::string_view prefix, uint64_t file_size) {
  static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors data are little-endian");
  if (file_size < 8 || prefix.size() < 8) return Bad("truncated file: shorter than the 8-byte header length");
  uint64_t header_size = 0;
  std::memcpy(&header_size, prefix.data(), 8);
  if (header_size > kMaxHeaderBytes) {
    return Bad("header length " + std::to_string(header_size) + " exceeds the 100 MB limit");
  }
  if (header_size > file_size - 8 || prefix.size() < 8 + header_size) {
    return Bad("header length " + std::to_string(header_size) + " runs past the end of the file (" +
               std::to_string(file_size) + " bytes)");
  }
  const std::string_view text = prefix.substr(8, header_size);
  if (text.empty() || text.front() != '{') return ParseError("safetensors: header JSON must start with '{'");

  // nlohmann keeps the last of duplicate keys silently; the format forbids duplicates, so watch the top level.
  std::set<std::string> names;
  std::string duplicate;
  const nlohmann::json::parser_callback_t watch = [&](int depth, nlohmann::json::parse_event_t event,
                                                      nlohmann::json& parsed) {
    if (depth == 1 && event == nlohmann::json::parse_event_t::key && !names.insert(parsed.get<std::string>()).second &&
        duplicate.empty()) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  };
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(text.begin(), text.end(), watch);
  } catch (const nlohmann::json::exception& e) {
    return ParseError(std::string("safetensors: bad header JSON: ") + e.what());
  }
  if (!root.is_object()) return ParseError("safetensors: header JSON is not an object");
  if (!duplicate.empty()) return ParseError("safetensors: duplicate tensor name \"" + duplicate + "\"");

  SafetensorsHeader header;
  header.data_offset = 8 + header_size;
  const uint64_t data_size = file_size - header.data_offset;
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it.value().is_object()) return ParseError("safetensors: __metadata__ is not an object");
      for (auto m = it.value().begin(); m != it.value().end(); ++m) {
        if (!m.value().is_string()) return ParseError("safetensors: __metadata__ values must be strings");
        header.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    if (it.key().empty()) return ParseError("safetensors: empty tensor name");
    auto entry = ParseEntry(it.key(), it.value(), data_size);
    if (!entry.ok()) return entry.status();
    header.entries.push_back(std::move(*entry));
  }
  std::sort(header.entries.begin(), header.entries.end(),
            [](const auto& a, const auto& b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
  uint64_t covered = 0;
  const SafetensorsEntry* previous = nullptr;
  for (const auto& entry : header.entries) {
    if (entry.begin < covered) {
      return Bad("tensor \"" + entry.name + "\" overlaps \"" + (previous ? previous->name : "") + "\" (bytes " +
                 std::to_string(entry.begin) + ".." + std::to_string(covered) + ")");
    }
    if (entry.begin > covered) {
      return Bad("bytes " + std::to_string(covered) + ".." + std::to_string(entry.begin) +
                 " of the data section belong to no tensor (before \"" + entry.name + "\")");
    }
    covered = entry.end;
    previous = &entry;
  }
  if (covered != data_size) {
    return Bad("the data section has " + std::to_string(data_size - covered) + " bytes after the last tensor");
  }
  return header;
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
  const auto options = at::TensorOptions().dtype(entry->dtype).device(at::kCPU);
  const uint64_t bytes = entry->end - entry->begin;
  if (bytes == 0) return at::empty(entry->shape, options);
  char* data = static_cast<char*>(mapping_->address) + header_.data_offset + entry->begin;
  const auto item_size = static_cast<uintptr_t>(c10::elementSize(entry->dtype));
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
