#pragma once
/// \file parallel.hpp
/// \brief The one deterministic parallel-for of ito.
///
/// `parallel_for(tasks, threads, body)` runs `body(task, worker)` for every
/// task in [0, tasks) on at most `threads` threads (0 = all hardware threads).
/// Tasks are handed out in increasing order; which worker runs a task is not
/// fixed, so a body must write its result to a slot owned by the task (never
/// to a shared accumulator) and the caller reduces the slots in task order.
/// Done that way, the result is bit-identical for any thread count: this is
/// how solve, convergence, the samplers and the network reach "the same bits
/// for any number of threads" (DESIGN, "Reproducible parallelism").
///
/// `worker` is in [0, workers) with workers = resolve_threads(threads, tasks):
/// use it to index per-thread scratch space (a workspace per worker).
///
/// An exception thrown by a body stops the hand-out of further tasks; once
/// every worker has finished, the exception of the lowest-numbered failing
/// task is rethrown in the calling thread. Tasks are handed out in order, so
/// every task below a failing one has run: the error reported is the same for
/// any thread count.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace ito {

/// The number of worker threads `parallel_for` uses for `tasks` tasks when
/// asked for `threads` (0 = std::thread::hardware_concurrency(), at least 1):
/// never more than the number of tasks, never less than 1.
inline unsigned resolve_threads(unsigned threads, std::int64_t tasks) {
  unsigned t = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
  if (tasks < std::int64_t(t)) t = unsigned(std::max<std::int64_t>(1, tasks));
  return t;
}

/// Run body(task, worker) for task = 0..tasks-1 on resolve_threads(threads, tasks)
/// threads (the calling thread is worker 0). Rethrows the exception of the
/// lowest-numbered failing task.
template <class Body>
void parallel_for(std::int64_t tasks, unsigned threads, Body&& body) {
  if (tasks <= 0) return;
  const unsigned workers = resolve_threads(threads, tasks);
  if (workers == 1) {
    for (std::int64_t k = 0; k < tasks; ++k) body(k, 0u);
    return;
  }
  std::atomic<std::int64_t> next{0};
  std::exception_ptr error;
  std::int64_t error_task = tasks;
  std::mutex error_mutex;
  auto run = [&](unsigned worker) {
    for (std::int64_t k = next++; k < tasks; k = next++) {
      try {
        body(k, worker);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (k < error_task) {
          error = std::current_exception();
          error_task = k;
        }
        next = tasks;  // stop handing out tasks
        return;
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (unsigned w = 1; w < workers; ++w) pool.emplace_back(run, w);
  run(0);
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace ito
