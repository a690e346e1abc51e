// The one table of source formats. A new format is one reader file plus one line here.
#include "readers/formats.h"

namespace mgrs::ingest {

const std::vector<ReaderEntry>& Readers() {
  static const std::vector<ReaderEntry> readers = {
      {"dota", "DOTA v1.0/v1.5/v2.0 labelTxt (+ v2.0 meta files)", MakeDotaReader},
      {"dior", "DIOR / DIOR-R VOC XML (robndbox or bndbox)", MakeDiorReader},
      {"fair1m", "FAIR1M 1.0/2.0 labelXml", MakeFair1mReader},
      {"dior-rsvg", "DIOR-RSVG XML with referring expressions + global-index split files", MakeDiorRsvgReader},
      {"hrrsd", "HRRSD VOC XML (OPT2017)", MakeHrrsdReader},
      {"coco", "COCO detection JSON", MakeCocoReader},
      {"nwpu-vhr", "NWPU VHR-10 ground-truth txt or its COCO re-annotation", MakeNwpuVhrReader},
      {"visdrone", "VisDrone-DET annotation txt", MakeVisDroneReader},
      {"rsod", "RSOD VOC XML", MakeRsodReader},
      {"captions-karpathy", "Karpathy caption JSON (UCM, Sydney, RSICD)", MakeKarpathyCaptionsReader},
      {"captions-nwpu", "NWPU-Captions JSON", MakeNwpuCaptionsReader},
      {"captions-precomp", "precomp caption text files (RSITMD, RSICD)", MakePrecompCaptionsReader},
      {"rsvqa", "RSVQA LR/HR questions, answers and images JSON", MakeRsvqaReader},
      {"scene-folders", "scene classification, one folder per class", MakeSceneFoldersReader},
      {"vrsbench", "VRSBench eval files (captions, referring boxes, VQA)", MakeVrsbenchReader},
  };
  return readers;
}

std::unique_ptr<FormatReader> MakeReader(const std::string& format) {
  for (const ReaderEntry& entry : Readers()) {
    if (format == entry.format) return entry.make();
  }
  return nullptr;
}

std::string FormatNames() {
  std::string out;
  for (const ReaderEntry& entry : Readers()) out += (out.empty() ? "" : "|") + std::string(entry.format);
  return out;
}

}  // namespace mgrs::ingest
