// PASCAL-VOC style XML shared by DIOR, DIOR-R, HRRSD, RSOD and DIOR-RSVG: <annotation> with <size> and
// <object> elements holding <name> and a <bndbox> or DIOR-R's <robndbox> (named corners).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "readers/common.h"
#include "xml.h"

namespace mgrs::ingest {

// Parses `path` (relative to ctx.root). On malformed XML or a root other than <annotation> adds a whole-file
// reject (BAD_XML / MISSING_FIELD) and returns nullptr.
xml::Document ParseAnnotationXml(const ReaderContext& ctx, const std::string& path, catalog::SourceBatch* batch);

// Reads <size><width>/<height> into the record when present and positive.
void ReadVocSize(const xmlNode* annotation, catalog::ImageRecord* record);

// The start every one-image-per-file XML reader shares: parses `file` (ParseAnnotationXml) and fills `record` with
// the image's id, dataset, split and the annotation's <size>. Returns nullptr (after the reject) on bad XML.
xml::Document StartXmlImage(const ReaderContext& ctx, const SourceFile& file, catalog::SourceBatch* batch,
                            catalog::ImageRecord* record);

// Reads one <object>: only its own <name> child (never a nested or sibling one: HRRSD's <owner><name> trap),
// and its <robndbox> (corners left_top, right_top, right_bottom, left_bottom) or <bndbox>. Returns false after
// adding a reject (MISSING_FIELD, BAD_NUMBER) to the batch.
bool ReadVocObject(const xmlNode* object, const std::string& path, catalog::ObjectRecord* out,
                   catalog::SourceBatch* batch);

// ReadVocObject over every <object> child of `annotation`, appending the good ones to record->objects.
void ReadVocObjects(const xmlNode* annotation, const std::string& path, catalog::ImageRecord* record,
                    catalog::SourceBatch* batch);

// id -> split from the VOC split lists <folder>/<split>.txt (absolute folder, usually ImageSets/Main). Per-class
// lists ("<class>_<split>.txt", HRRSD's "T junction_val.txt") and trainval.txt are skipped. Empty when the
// folder does not exist.
Result<std::map<std::string, std::string>> ReadImageSets(const std::string& folder);

// VOC detection datasets laid out as <top>/Annotations/*.xml (or <top>/Annotation/xml/*.xml), images in
// <top>/JPEGImages/, splits from <top>/ImageSets/Main/. `format` only names the dataset in messages.
std::unique_ptr<FormatReader> MakeVocDetectionReader(const char* format);

}  // namespace mgrs::ingest
