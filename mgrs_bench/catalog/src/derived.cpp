// Storing augmented images with their lineage (schema v2's derivations table), one transaction per image.
#include <sqlite3.h>

#include <filesystem>
#include <map>

#include "mgrs/catalog/catalog.h"
#include "quad_blob.h"
#include "sqlite.h"

namespace mgrs::catalog {
namespace {

using sql::Exec;
using sql::Prepare;

Status CheckDerived(const DerivedImage& d) {
  const Image& image = d.image;
  if (image.parent_id.empty()) return InvalidArgument("derived image '" + image.id + "' has no parent");
  if (image.id.rfind(image.parent_id + "/", 0) != 0)
    return InvalidArgument("derived image id '" + image.id + "' does not start with its parent's id");
  if (d.op.empty()) return InvalidArgument("derived image '" + image.id + "' has no operation");
  if (!std::filesystem::path(image.path).is_absolute())
    return InvalidArgument("derived image '" + image.id + "' has a relative path '" + image.path + "'");
  std::map<int64_t, int> ids;
  for (const StoredObject& o : d.objects) {
    if (++ids[o.object.id] > 1)
      return InvalidArgument("derived image '" + image.id + "' has object id " + std::to_string(o.object.id) +
                             " twice");
  }
  for (const Expression& e : d.expressions) {
    if (e.object_id != 0 && !ids.count(e.object_id))
      return InvalidArgument("an expression of derived image '" + image.id + "' refers to a missing object");
  }
  return Status::Ok();
}

// Deletes an earlier image stored under `id` with everything attached to it.
Status DeleteImage(sqlite3* db, const std::string& id) {
  for (const char* table : {"derivations", "expressions", "captions", "qa", "scene_labels", "objects"}) {
    auto stmt =
        Prepare(db, std::string("DELETE FROM ") + table + " WHERE image_key = (SELECT key FROM images WHERE id = ?1)");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, id);
    MGRS_RETURN_IF_ERROR(stmt->Run());
  }
  auto stmt = Prepare(db, "DELETE FROM images WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, id);
  return stmt->Run();
}

Result<int64_t> ClassId(sqlite3* db, const std::string& dataset, const std::string& raw) {
  auto find = Prepare(db, "SELECT id FROM classes WHERE dataset = ?1 AND raw = ?2");
  if (!find.ok()) return find.status();
  find->Bind(1, dataset);
  find->Bind(2, raw);
  Status status;
  if (find->Step(&status)) return find->Int(0);
  MGRS_RETURN_IF_ERROR(status);
  auto insert = Prepare(db, "INSERT INTO classes (dataset, raw, key, known) VALUES (?1, ?2, ?3, 0)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, dataset);
  insert->Bind(2, raw);
  insert->Bind(3, NormaliseClassKey(raw));
  MGRS_RETURN_IF_ERROR(insert->Run());
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db));
}

// The image row: the parent's provenance columns, the record's own id, path, size and derivation text.
Result<int64_t> InsertImage(sqlite3* db, const DerivedImage& d) {
  auto stmt = Prepare(db,
                      "INSERT INTO images (id, dataset, split, path, annotation, width, height, bands, gsd, "
                      "image_source, acquired, geotransform, crs, sha256, parent_id, derivation) "
                      "SELECT ?1, dataset, split, ?2, annotation, ?3, ?4, ?5, gsd, image_source, acquired, "
                      "geotransform, crs, ?6, id, ?7 FROM images WHERE id = ?8");
  if (!stmt.ok()) return stmt.status();
  const Image& image = d.image;
  stmt->Bind(1, image.id);
  stmt->Bind(2, image.path);
  stmt->Bind(3, image.width);
  stmt->Bind(4, image.height);
  stmt->Bind(5, image.bands);
  stmt->Bind(6, image.sha256);
  stmt->Bind(7, image.derivation);
  stmt->Bind(8, image.parent_id);
  MGRS_RETURN_IF_ERROR(stmt->Run());
  if (sqlite3_changes(db) != 1) return NotFound("parent image '" + image.parent_id + "' is not in the catalog");
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db));
}

Status InsertAnnotations(sqlite3* db, int64_t image_key, const DerivedImage& d, const std::string& dataset) {
  auto object =
      Prepare(db,
              "INSERT INTO objects (image_key, class_id, x1, y1, x2, y2, quad, difficult, truncated, flags, "
              "line, colour, grid_cell, size_bucket, orientation) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
              "?10, ?11, nullif(?12, ''), nullif(?13, ''), nullif(?14, ''), nullif(?15, ''))");
  if (!object.ok()) return object.status();
  std::map<int64_t, int64_t> new_id;
  for (const StoredObject& stored : d.objects) {
    const Object& o = stored.object;
    auto class_id = ClassId(db, dataset, o.raw_class);
    if (!class_id.ok()) return class_id.status();
    object->Bind(1, image_key);
    object->Bind(2, *class_id);
    object->Bind(3, o.hbb.x1);
    object->Bind(4, o.hbb.y1);
    object->Bind(5, o.hbb.x2);
    object->Bind(6, o.hbb.y2);
    double quad[8];
    if (o.quad) {
      EncodeQuad(*o.quad, quad);
      sqlite3_bind_blob(object->get(), 7, quad, sizeof quad, SQLITE_STATIC);
    } else {
      object->BindNull(7);
    }
    object->Bind(8, stored.difficulty);
    object->Bind(9, o.truncated ? 1 : 0);
    object->Bind(10, stored.flags);
    object->Bind(11, stored.line);
    object->Bind(12, o.attributes.colour);
    object->Bind(13, o.attributes.grid_cell);
    object->Bind(14, o.attributes.size_bucket);
    object->Bind(15, o.attributes.orientation);
    MGRS_RETURN_IF_ERROR(object->Run());
    new_id[o.id] = sqlite3_last_insert_rowid(db);
  }
  auto expression = Prepare(db, "INSERT INTO expressions (image_key, object_id, text) VALUES (?1, ?2, ?3)");
  if (!expression.ok()) return expression.status();
  for (const Expression& e : d.expressions) {
    expression->Bind(1, image_key);
    if (e.object_id != 0)
      expression->Bind(2, new_id.at(e.object_id));
    else
      expression->BindNull(2);
    expression->Bind(3, e.text);
    MGRS_RETURN_IF_ERROR(expression->Run());
  }
  return Status::Ok();
}

Status InsertDerivation(sqlite3* db, int64_t image_key, const DerivedImage& d) {
  auto stmt = Prepare(db,
                      "INSERT INTO derivations (image_key, parent_key, op, params, seed, tool_version) "
                      "SELECT ?1, key, ?2, ?3, ?4, ?5 FROM images WHERE id = ?6");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, image_key);
  stmt->Bind(2, d.op);
  stmt->Bind(3, d.params_json);
  stmt->Bind(4, static_cast<int64_t>(d.seed));
  stmt->Bind(5, d.tool_version);
  stmt->Bind(6, d.image.parent_id);
  return stmt->Run();
}

}  // namespace

Status Catalog::AddDerivedImage(const DerivedImage& derived) {
  MGRS_RETURN_IF_ERROR(CheckDerived(derived));
  auto parent = FindImage(derived.image.parent_id);
  if (!parent.ok()) return parent.status();
  if (!parent->has_value())
    return NotFound("parent image '" + derived.image.parent_id + "' of '" + derived.image.id + "' is not in " + path_);
  MGRS_RETURN_IF_ERROR(Exec(db_, "BEGIN IMMEDIATE"));
  Status status = DeleteImage(db_, derived.image.id);
  Result<int64_t> key = status.ok() ? InsertImage(db_, derived) : Result<int64_t>(status);
  if (key.ok())
    status = InsertAnnotations(db_, *key, derived, (*parent)->dataset);
  else
    status = key.status();
  if (status.ok()) status = InsertDerivation(db_, *key, derived);
  if (status.ok()) status = Exec(db_, "COMMIT");
  if (!status.ok()) {
    (void)Exec(db_, "ROLLBACK");
    return Status(status.code(), "cannot store derived image '" + derived.image.id + "': " + status.message());
  }
  return Status::Ok();
}

}  // namespace mgrs::catalog
