// DOTA labelTxt and DIOR-RSVG XML text for one demo image.
#include "formats.h"

#include <cmath>
#include <cstdio>

namespace mgrs::demo {
namespace {

std::string Fixed(double value, int decimals) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

}  // namespace

std::string DotaLabel(const Scene& scene) {
  std::string out = "imagesource:mgrs-demo\r\ngsd:" + Fixed(scene.gsd, 6) + "\r\n";
  for (const SceneObject& o : scene.objects) {
    for (const Point& p : o.Corners()) out += Fixed(p.x, 1) + " " + Fixed(p.y, 1) + " ";
    out += DotaClass(o.kind) + " 0\r\n";
  }
  return out;
}

std::string RsvgXml(const DemoImage& image, int* written) {
  const Scene& scene = image.rendered.scene;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<annotation>\n";
  out += "    <filename>" + image.plan.stem + ".png</filename>\n";
  out += "    <source>\n        <database>mgrs demo-data</database>\n    </source>\n";
  out += "    <size>\n        <width>" + std::to_string(scene.width) + "</width>\n        <height>" +
         std::to_string(scene.height) + "</height>\n        <depth>3</depth>\n    </size>\n";
  out += "    <segmented>0</segmented>\n";
  *written = 0;
  for (size_t i = 0; i < scene.objects.size(); ++i) {
    if (!image.expressions[i]) continue;
    const Box b = scene.objects[i].Bounds();
    // The expressions use a fixed lower-case vocabulary: nothing to escape.
    out += "    <object>\n        <name>" + DiorClass(scene.objects[i].kind) + "</name>\n";
    out += "        <pose>Unspecified</pose>\n        <bndbox>\n";
    out += "            <xmin>" + std::to_string(static_cast<int>(std::floor(b.x1)) + 1) + "</xmin>\n";
    out += "            <ymin>" + std::to_string(static_cast<int>(std::floor(b.y1)) + 1) + "</ymin>\n";
    out += "            <xmax>" + std::to_string(static_cast<int>(std::ceil(b.x2))) + "</xmax>\n";
    out += "            <ymax>" + std::to_string(static_cast<int>(std::ceil(b.y2))) + "</ymax>\n";
    out += "        </bndbox>\n        <description>" + image.expressions[i]->text + "</description>\n";
    out += "    </object>\n";
    ++*written;
  }
  out += "</annotation>\n";
  return out;
}

}  // namespace mgrs::demo
