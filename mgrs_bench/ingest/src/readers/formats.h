// Factory of each reader, one per file in src/readers/; registry.cpp puts them in the table.
#pragma once

#include <memory>

#include "mgrs/ingest/reader.h"

namespace mgrs::ingest {

std::unique_ptr<FormatReader> MakeDotaReader();
std::unique_ptr<FormatReader> MakeDiorReader();
std::unique_ptr<FormatReader> MakeFair1mReader();
std::unique_ptr<FormatReader> MakeDiorRsvgReader();
std::unique_ptr<FormatReader> MakeHrrsdReader();
std::unique_ptr<FormatReader> MakeNwpuVhrReader();
std::unique_ptr<FormatReader> MakeRsodReader();
std::unique_ptr<FormatReader> MakeVisDroneReader();
std::unique_ptr<FormatReader> MakeCocoReader();
std::unique_ptr<FormatReader> MakeKarpathyCaptionsReader();
std::unique_ptr<FormatReader> MakeNwpuCaptionsReader();
std::unique_ptr<FormatReader> MakePrecompCaptionsReader();
std::unique_ptr<FormatReader> MakeRsvqaReader();
std::unique_ptr<FormatReader> MakeSceneFoldersReader();
std::unique_ptr<FormatReader> MakeVrsbenchReader();

}  // namespace mgrs::ingest
