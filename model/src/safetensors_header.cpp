// safetensors headers: parsing and validation, without LibTorch (safetensors_header.h).
#include "mgrs/model/safetensors_header.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <numeric>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

namespace mgrs::model {
namespace {

// Reference readers cap the header at 100 MB; a larger length is a corrupt or hostile file.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
constexpr size_t kMaxRank = 8;

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
  const uint64_t item_size = SafetensorsDTypeSize(entry.dtype_name);
  if (item_size == 0) return ParseError("safetensors: " + where + "unsupported dtype " + entry.dtype_name);
  if (!value.contains("shape") || !value["shape"].is_array()) return ParseError("safetensors: " + where + "no shape");
  const auto& shape = value["shape"];
  if (shape.size() > kMaxRank) return Bad(where + "absurd shape (rank " + std::to_string(shape.size()) + " > 8)");
  uint64_t bytes = item_size;
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

uint64_t SafetensorsDTypeSize(std::string_view dtype_name) {
  static constexpr std::pair<std::string_view, uint64_t> kSizes[] = {
      {"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2}, {"I64", 8},
      {"I32", 4}, {"I16", 2}, {"I8", 1},  {"U8", 1},   {"BOOL", 1},
  };
  for (const auto& [name, size] : kSizes) {
    if (dtype_name == name) return size;
  }
  return 0;
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

}  // namespace mgrs::model
