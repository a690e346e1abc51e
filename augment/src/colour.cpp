// The colour namer and the Lab mean/covariance transfer (see colour.h).
#include "mgrs/augment/colour.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Dense>
#include <opencv2/imgproc.hpp>

namespace mgrs::augment {
namespace {

cv::Vec3f LabOf(int r, int g, int b) {
  cv::Mat pixel(1, 1, CV_32FC3, cv::Scalar(b / 255.0, g / 255.0, r / 255.0));
  cv::Mat lab;
  cv::cvtColor(pixel, lab, cv::COLOR_BGR2Lab);
  return lab.at<cv::Vec3f>(0, 0);
}

// Symmetric square root and its inverse through the eigen decomposition (eigenvalues clamped at 1e-9).
Eigen::Matrix3d SqrtSym(const Eigen::Matrix3d& m, bool inverse) {
  Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d> solver(m);
  Eigen::Vector3d values = solver.eigenvalues().cwiseMax(1e-9).cwiseSqrt();
  if (inverse) values = values.cwiseInverse();
  return solver.eigenvectors() * values.asDiagonal() * solver.eigenvectors().transpose();
}

}  // namespace

const std::vector<NamedColour>& Palette() {
  static const std::vector<NamedColour> palette = {
      {"white", LabOf(240, 240, 240), false}, {"gray", LabOf(128, 128, 128), false},
      {"black", LabOf(20, 20, 20), false},    {"red", LabOf(200, 30, 35), true},
      {"orange", LabOf(235, 130, 30), true},  {"yellow", LabOf(230, 210, 50), true},
      {"green", LabOf(50, 150, 60), true},    {"blue", LabOf(40, 80, 190), true},
      {"purple", LabOf(125, 55, 155), true},  {"brown", LabOf(125, 80, 45), true},
  };
  return palette;
}

const NamedColour* FindColour(const std::string& name) {
  for (const NamedColour& c : Palette()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string NameLab(const cv::Vec3f& lab, const ColourNamerOptions& options) {
  const double chroma = std::hypot(lab[1], lab[2]);
  if (chroma < options.achromatic_chroma) {
    if (lab[0] >= options.white_lightness) return "white";
    if (lab[0] < options.black_lightness) return "black";
    return "gray";
  }
  std::string best;
  double best_distance = std::numeric_limits<double>::infinity();
  for (const NamedColour& c : Palette()) {
    if (!c.chromatic) continue;
    const double dl = 0.5 * (lab[0] - c.lab[0]), da = lab[1] - c.lab[1], db = lab[2] - c.lab[2];
    const double distance = dl * dl + da * da + db * db;
    if (distance < best_distance) best = c.name, best_distance = distance;
  }
  return best;
}

cv::Vec3f MeanLab(const cv::Mat& bgr, const cv::Mat& mask) {
  cv::Mat scaled, lab;
  bgr.convertTo(scaled, CV_32FC3, 1.0 / 255.0);
  cv::cvtColor(scaled, lab, cv::COLOR_BGR2Lab);
  const cv::Scalar mean = cv::mean(lab, mask);
  return cv::Vec3f(static_cast<float>(mean[0]), static_cast<float>(mean[1]), static_cast<float>(mean[2]));
}

std::string NameRegion(const cv::Mat& bgr, const cv::Mat& mask, const ColourNamerOptions& options) {
  return NameLab(MeanLab(bgr, mask), options);
}

void TransferColour(cv::Mat& bgr, const cv::Mat& mask, const NamedColour& target, const TransferOptions& options) {
  const cv::Rect box = cv::boundingRect(mask);
  if (box.empty()) return;
  cv::Mat scaled, lab;
  bgr(box).convertTo(scaled, CV_32FC3, 1.0 / 255.0);
  cv::cvtColor(scaled, lab, cv::COLOR_BGR2Lab);
  const cv::Mat region_mask = mask(box);
  // Mean and covariance of the region in Lab.
  Eigen::Vector3d mean = Eigen::Vector3d::Zero();
  Eigen::Matrix3d second = Eigen::Matrix3d::Zero();
  double count = 0;
  for (int y = 0; y < lab.rows; ++y) {
    for (int x = 0; x < lab.cols; ++x) {
      if (!region_mask.at<uchar>(y, x)) continue;
      const cv::Vec3f& p = lab.at<cv::Vec3f>(y, x);
      const Eigen::Vector3d v(p[0], p[1], p[2]);
      mean += v;
      second += v * v.transpose();
      ++count;
    }
  }
  if (count < 1) return;
  mean /= count;
  Eigen::Matrix3d source = second / count - mean * mean.transpose();
  source += options.regularise * Eigen::Matrix3d::Identity();
  Eigen::Matrix3d wanted = Eigen::Matrix3d::Zero();
  wanted(0, 0) = source(0, 0);
  wanted(1, 1) = wanted(2, 2) = options.target_chroma_sigma * options.target_chroma_sigma;
  const Eigen::Matrix3d root = SqrtSym(source, false), inverse_root = SqrtSym(source, true);
  const Eigen::Matrix3d map = inverse_root * SqrtSym(root * wanted * root, false) * inverse_root;
  const Eigen::Vector3d goal(target.lab[0], target.lab[1], target.lab[2]);
  for (int y = 0; y < lab.rows; ++y) {
    for (int x = 0; x < lab.cols; ++x) {
      if (!region_mask.at<uchar>(y, x)) continue;
      cv::Vec3f& p = lab.at<cv::Vec3f>(y, x);
      const Eigen::Vector3d v = goal + map * (Eigen::Vector3d(p[0], p[1], p[2]) - mean);
      p = cv::Vec3f(static_cast<float>(std::clamp(v[0], 0.0, 100.0)), static_cast<float>(v[1]),
                    static_cast<float>(v[2]));
    }
  }
  cv::Mat back, out;
  cv::cvtColor(lab, back, cv::COLOR_Lab2BGR);
  back.convertTo(out, CV_8UC3, 255.0);
  out.copyTo(bgr(box), region_mask);
}

}  // namespace mgrs::augment
