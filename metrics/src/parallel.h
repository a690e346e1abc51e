// Splits [0, n) into `threads` contiguous ranges and runs them on std::threads. Each range is a fixed function
// of (n, threads), so results written per index are identical for any thread count. Internal to mgrs::metrics.
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace mgrs::metrics::internal {

inline int ClampThreads(int threads, size_t n) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return static_cast<int>(std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(threads), std::max<size_t>(n, 1))));
}

// fn(begin, end, worker) for worker = 0 .. threads-1; the caller's thread runs worker 0.
template <typename Fn>
void ParallelRanges(size_t n, int threads, Fn&& fn) {
  threads = ClampThreads(threads, n);
  if (threads == 1) {
    fn(size_t{0}, n, 0);
    return;
  }
  std::vector<std::thread> pool;
  const auto bound = [&](int t) { return n * static_cast<size_t>(t) / static_cast<size_t>(threads); };
  for (int t = 1; t < threads; ++t) pool.emplace_back([&, t] { fn(bound(t), bound(t + 1), t); });
  fn(bound(0), bound(1), 0);
  for (auto& thread : pool) thread.join();
}

}  // namespace mgrs::metrics::internal
