// Shared by the libFuzzer harnesses: readers take files, so each input is written to a scratch file first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mgrs::fuzz {

// Writes the input to <a per-process scratch folder for `name`>/<relative> and returns the folder.
std::string WriteInput(const std::string& name, const std::string& relative, const uint8_t* data, size_t size);

// Runs the ingest reader of `format` over a root holding only the input, at `relative`: its listing, then a Read
// of every file listed. Rejects are expected; a crash, a sanitizer report or an exception is a finding.
void FuzzReader(const char* format, const std::string& relative, const uint8_t* data, size_t size);

}  // namespace mgrs::fuzz
