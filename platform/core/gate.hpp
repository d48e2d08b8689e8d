// A bounded gate for slow, CPU-bound work on the shared workers (password hashing, plugin fixture
// runs): at most `slots` run at once, at most `queue` wait for a turn, each for up to `wait`;
// anyone else is refused at once (the caller answers 503). So such work can neither take every core
// nor hold every worker while other tenants' requests queue behind it (issue 15, defects 5 and 9).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <utility>

namespace dps {

class bounded_gate {
public:
    bounded_gate(int slots, int queue, std::chrono::milliseconds wait) : slots_(slots < 1 ? 1 : slots), queue_(queue), wait_(wait) {}
    bounded_gate(const bounded_gate&) = delete;
    bounded_gate& operator=(const bounded_gate&) = delete;

    class ticket {
    public:
        explicit ticket(bounded_gate* g) : gate_(g) {}
        ticket(ticket&& o) noexcept : gate_(std::exchange(o.gate_, nullptr)) {}
        ticket(const ticket&) = delete;
        ticket& operator=(const ticket&) = delete;
        ~ticket()
        {
            if (!gate_) return;
            {
                std::lock_guard lock(gate_->mutex_);
                --gate_->running_;
            }
            gate_->turn_.notify_one();
        }
        explicit operator bool() const { return gate_ != nullptr; }

    private:
        bounded_gate* gate_;
    };

    // A held turn, or an empty ticket when the queue is full or the wait ran out.
    ticket enter()
    {
        std::unique_lock lock(mutex_);
        if (running_ >= slots_) {
            if (waiting_ >= queue_) return ticket{nullptr};
            ++waiting_;
            const bool got = turn_.wait_for(lock, wait_, [&] { return running_ < slots_; });
            --waiting_;
            if (!got) return ticket{nullptr};
        }
        ++running_;
        return ticket{this};
    }

private:
    const int slots_, queue_;
    const std::chrono::milliseconds wait_;
    std::mutex mutex_;
    std::condition_variable turn_;
    int running_ = 0, waiting_ = 0;
};

} // namespace dps
