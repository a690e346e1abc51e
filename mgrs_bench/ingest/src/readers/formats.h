// Factory of each reader, one per file in src/readers/; registry.cpp puts them in the table.
#pragma once

#include <memory>

#include "mgrs/ingest/reader.h"

namespace mgrs::ingest {

std::unique_ptr<FormatReader> MakeDotaReader();
std::unique_ptr<FormatReader> MakeDiorReader();
std::unique_ptr<FormatReader> MakeFair1mReader();

}  // namespace mgrs::ingest
