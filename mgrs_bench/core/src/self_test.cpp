// The core's self-test.
#include "mgrs/core/self_test.h"

#include <cmath>

#include "mgrs/core/files.h"
#include "mgrs/core/geometry.h"
#include "mgrs/core/jsonl.h"
#include "mgrs/core/sample.h"

namespace mgrs {

Status CoreSelfTest(const std::string& scratch_dir) {
  // research/metrics.md section 9.4: [10,10,20,20] vs [15,15,25,25].
  const Box a{10, 10, 20, 20}, b{15, 15, 25, 25};
  if (std::fabs(BoxIou(a, b) - 0.14285714285714285) > 1e-15 ||
      std::fabs(BoxIou(a, b, IouConvention::kPlusOne) - 0.17475728155339806) > 1e-15) {
    return Internal("box IoU differs from the reference values");
  }
  const std::string line =
      R"({"id":"x/1","task":"grounding","image":"a.png","image_size":[800,800],"gt":{"boxes":[[96.0,64.0,160.0,120.0]]}})";
  Diagnostic bad;
  auto json = ParseJsonLine(line, "<self-test>", 1, &bad);
  if (!json.ok()) return json.status();
  auto sample = SampleFromJson(*json);
  if (!sample.ok()) return sample.status();
  if (DumpJson(SampleToJson(*sample)) != line) return Internal("Sample JSON does not round-trip");
  const std::string path = scratch_dir + "/mgrs-self-test.txt";
  MGRS_RETURN_IF_ERROR(WriteFileAtomically(path, "ok\n"));
  auto back = ReadFile(path);
  std::remove(path.c_str());
  if (!back.ok() || *back != "ok\n") return IoError("atomic write in " + scratch_dir + " did not read back");
  return Status::Ok();
}

}  // namespace mgrs
