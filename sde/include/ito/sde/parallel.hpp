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
///
/// `thread_pool` keeps its worker threads alive between calls, for callers that
/// run many short parallel loops (the score network runs two per training step,
/// where starting threads each time would cost more than the work):
/// `parallel_for(pool, tasks, body)` has exactly the contract above, with
/// workers = min(pool.size(), tasks).

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <limits>
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

/// A persistent pool of threads for parallel_for(pool, tasks, body): `threads`
/// threads in total (0 = all hardware threads), the calling thread being worker 0,
/// so threads - 1 workers sleep on a condition variable between calls (a call
/// costs a wake-up, a few microseconds). One call at a time per pool: a body must
/// not call parallel_for on its own pool.
class thread_pool {
 public:
  explicit thread_pool(unsigned threads = 0) {
    const unsigned n = resolve_threads(threads, std::numeric_limits<std::int64_t>::max());
    workers_.reserve(n - 1);
    for (unsigned w = 1; w < n; ++w) workers_.emplace_back([this, w] { loop(w); });
  }
  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;
  ~thread_pool() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
    }
    start_.notify_all();
    for (auto& t : workers_) t.join();
  }

  /// Threads in total, the caller included (>= 1).
  unsigned size() const noexcept { return static_cast<unsigned>(workers_.size()) + 1; }

  /// parallel_for's contract on this pool's threads (see parallel_for(pool, ...)).
  template <class Body>
  void run(std::int64_t tasks, Body& body) {
    if (tasks <= 0) return;
    const unsigned workers = resolve_threads(size(), tasks);
    if (workers == 1) {
      for (std::int64_t k = 0; k < tasks; ++k) body(k, 0u);
      return;
    }
    job j;
    j.tasks = tasks;
    j.workers = workers;
    j.error_task = tasks;
    j.context = const_cast<void*>(static_cast<const void*>(&body));
    j.call = [](void* b, std::int64_t k, unsigned w) { (*static_cast<Body*>(b))(k, w); };
    {
      std::lock_guard<std::mutex> lock(m_);
      job_ = &j;
      pending_ = static_cast<unsigned>(workers_.size());
      ++generation_;
    }
    start_.notify_all();
    work(j, 0);
    {
      std::unique_lock<std::mutex> lock(m_);
      done_.wait(lock, [this] { return pending_ == 0; });
      job_ = nullptr;
    }
    if (j.error) std::rethrow_exception(j.error);
  }

 private:
  struct job {
    std::int64_t tasks = 0;
    unsigned workers = 1;
    void* context = nullptr;
    void (*call)(void*, std::int64_t, unsigned) = nullptr;
    std::atomic<std::int64_t> next{0};
    std::mutex error_mutex;
    std::exception_ptr error;
    std::int64_t error_task = 0;
  };

  static void work(job& j, unsigned worker) {
    for (std::int64_t k = j.next++; k < j.tasks; k = j.next++) {
      try {
        j.call(j.context, k, worker);
      } catch (...) {
        std::lock_guard<std::mutex> lock(j.error_mutex);
        if (k < j.error_task) {
          j.error = std::current_exception();
          j.error_task = k;
        }
        j.next = j.tasks;  // stop handing out tasks
        return;
      }
    }
  }

  void loop(unsigned worker) {
    std::uint64_t seen = 0;
    for (;;) {
      job* j = nullptr;
      {
        std::unique_lock<std::mutex> lock(m_);
        start_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        j = job_;
      }
      if (worker < j->workers) work(*j, worker);
      std::lock_guard<std::mutex> lock(m_);
      if (--pending_ == 0) done_.notify_one();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex m_;
  std::condition_variable start_, done_;
  job* job_ = nullptr;
  unsigned pending_ = 0;
  std::uint64_t generation_ = 0;
  bool stop_ = false;
};

/// parallel_for on a persistent pool: body(task, worker) for task = 0..tasks-1 on
/// min(pool.size(), tasks) threads (the calling thread is worker 0). Same contract
/// as parallel_for(tasks, threads, body): tasks handed out in increasing order,
/// results to per-task slots, the exception of the lowest-numbered failing task
/// rethrown.
template <class Body>
void parallel_for(thread_pool& pool, std::int64_t tasks, Body&& body) {
  pool.run(tasks, body);
}

}  // namespace ito
