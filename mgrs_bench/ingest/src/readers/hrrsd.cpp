// HRRSD (OPT2017): VOC XML in Annotations/, images in JPEGImages/, splits in ImageSets/Main/{train,val,test}.txt
// (datasets.md section 7). The trap: each file also has <owner><name>snail_crowling</name></owner>; the VOC
// helper only reads an <object>'s own <name>. Its COCO files go through `--format coco`.
#include "readers/formats.h"
#include "readers/voc.h"

namespace mgrs::ingest {

std::unique_ptr<FormatReader> MakeHrrsdReader() { return MakeVocDetectionReader("HRRSD"); }

}  // namespace mgrs::ingest
