// RSOD: one archive per class (aircraft, oiltank, overpass, playground), each <class>/Annotation/xml/*.xml in
// VOC form with images in <class>/JPEGImages/ (datasets.md section 5); no official split.
#include "readers/formats.h"
#include "readers/voc.h"

namespace mgrs::ingest {

std::unique_ptr<FormatReader> MakeRsodReader() { return MakeVocDetectionReader("RSOD"); }

}  // namespace mgrs::ingest
