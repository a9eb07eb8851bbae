#include "okada/core/io.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>

namespace okada {
namespace {
thread_local int tl_shard = -1;
}

struct IoPool::Guards {
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards;
};

IoPool::IoPool(std::size_t threads) : guards_(std::make_unique<Guards>()) {
  if (threads == 0) threads = 1;
  for (std::size_t i = 0; i < threads; ++i) {
    // Concurrency hint 1: each context is run by exactly one thread, so Asio can skip its internal locking.
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
    guards_->guards.push_back(boost::asio::make_work_guard(*contexts_.back()));
  }
}

IoPool::~IoPool() { Stop(); }

int IoPool::CurrentShard() noexcept { return tl_shard; }

void IoPool::Start() {
  for (std::size_t i = 0; i < contexts_.size(); ++i) {
    threads_.emplace_back([this, i] {
      tl_shard = static_cast<int>(i);
      contexts_[i]->run();
      tl_shard = -1;
    });
  }
}

void IoPool::Stop() {
  guards_->guards.clear();
  for (auto& c : contexts_) c->stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void IoPool::RunOnEach(const std::function<void(std::size_t)>& fn) {
  std::vector<std::future<void>> done;
  for (std::size_t i = 0; i < contexts_.size(); ++i) {
    auto p = std::make_shared<std::promise<void>>();
    done.push_back(p->get_future());
    boost::asio::post(*contexts_[i], [p, &fn, i] {
      try {
        fn(i);
        p->set_value();
      } catch (...) {
        p->set_exception(std::current_exception());
      }
    });
  }
  for (auto& f : done) f.get();
}

}  // namespace okada
