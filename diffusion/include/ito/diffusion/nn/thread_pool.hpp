#pragma once
/// \file thread_pool.hpp
/// \brief A tiny persistent pool that runs `fn(k)` for k = 0..K-1 on K threads
/// (the caller runs k = 0) and waits for all of them.
///
/// The work split is decided by the caller from K alone, so a computation that
/// reduces its per-thread partial results in the order k = 0, 1, ... gives the
/// same bits on every run with the same K. Workers sleep on a condition variable
/// between calls; a call costs two wake-ups (a few microseconds).

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ito::diffusion::nn {

class thread_pool {
 public:
  /// A pool for `threads` >= 1 threads in total (threads - 1 workers).
  explicit thread_pool(unsigned threads = 1) { resize(threads); }
  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;
  ~thread_pool() { stop(); }

  unsigned size() const { return static_cast<unsigned>(workers_.size()) + 1; }

  /// Change the number of threads (joins the old workers).
  void resize(unsigned threads) {
    if (threads == 0) threads = 1;
    if (threads == size() && !workers_.empty()) return;
    stop();
    stop_ = false;
    for (unsigned k = 1; k < threads; ++k) workers_.emplace_back([this, k] { loop(k); });
  }

  /// Run fn(k) for k = 0..size()-1 concurrently; rethrows the first exception.
  void run(const std::function<void(unsigned)>& fn) {
    if (workers_.empty()) {
      fn(0);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(m_);
      fn_ = &fn;
      pending_ = static_cast<unsigned>(workers_.size());
      error_ = nullptr;
      ++generation_;
    }
    cv_start_.notify_all();
    std::exception_ptr mine;
    try {
      fn(0);
    } catch (...) {
      mine = std::current_exception();
    }
    std::unique_lock<std::mutex> lock(m_);
    cv_done_.wait(lock, [this] { return pending_ == 0; });
    fn_ = nullptr;
    if (mine) std::rethrow_exception(mine);
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void loop(unsigned k) {
    std::uint64_t seen = 0;
    for (;;) {
      const std::function<void(unsigned)>* fn = nullptr;
      {
        std::unique_lock<std::mutex> lock(m_);
        cv_start_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        fn = fn_;
      }
      std::exception_ptr err;
      try {
        (*fn)(k);
      } catch (...) {
        err = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(m_);
      if (err && !error_) error_ = err;
      if (--pending_ == 0) cv_done_.notify_one();
    }
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
    }
    cv_start_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  std::vector<std::thread> workers_;
  std::mutex m_;
  std::condition_variable cv_start_, cv_done_;
  const std::function<void(unsigned)>* fn_ = nullptr;
  unsigned pending_ = 0;
  std::uint64_t generation_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

}  // namespace ito::diffusion::nn
