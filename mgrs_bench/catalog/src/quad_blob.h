// The stored form of a quad: one 64-byte BLOB, x1 y1 x2 y2 x3 y3 x4 y4 as little-endian IEEE-754 doubles. One
// column instead of eight makes each object row cheaper to build and parse (measured: docs/catalog.md).
#pragma once

#include <cstring>

#include "mgrs/core/geometry.h"

namespace mgrs::catalog {

static_assert(sizeof(double) == 8, "quads are stored as 64-bit doubles");

// Encodes into `out` (8 doubles). The project targets little-endian machines (x86-64, aarch64).
inline void EncodeQuad(const Quad& quad, double* out) {
  for (int k = 0; k < 4; ++k) {
    out[2 * k] = quad[k].x;
    out[2 * k + 1] = quad[k].y;
  }
}

inline Quad DecodeQuad(const void* blob) {
  double v[8];
  std::memcpy(v, blob, sizeof v);
  return Quad{Point{v[0], v[1]}, Point{v[2], v[3]}, Point{v[4], v[5]}, Point{v[6], v[7]}};
}

}  // namespace mgrs::catalog
