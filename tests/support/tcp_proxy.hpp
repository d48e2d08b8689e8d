// A TCP proxy on loopback between the platform and PostgreSQL that can lose a connection at the
// worst moment: after the server has answered COMMIT, before the client hears it. Real sockets,
// a real server behind it; used to prove that a unit of work whose COMMIT outcome is unknown is
// never silently run twice (issue 15, defect 3).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dps::test {

class tcp_proxy {
public:
    explicit tcp_proxy(unsigned short target_port); // listens on 127.0.0.1, an ephemeral port
    ~tcp_proxy();
    tcp_proxy(const tcp_proxy&) = delete;
    tcp_proxy& operator=(const tcp_proxy&) = delete;

    unsigned short port() const { return port_; }

    // Once a client has sent `marker` on a connection, the next COMMIT it sends there is passed to the
    // server, the server's answer is swallowed and both sides are closed. Once only, then disarmed.
    void drop_after_commit_following(const std::string& marker);
    int drops() const { return drops_.load(); }

private:
    void accept_loop();
    void pump(int client, int server);

    unsigned short target_;
    unsigned short port_ = 0;
    int listener_ = -1;
    std::atomic<bool> stopping_{false};
    std::atomic<int> drops_{0};
    std::mutex mutex_;
    std::string marker_; // empty: disarmed
    std::thread acceptor_;
    std::vector<std::thread> pumps_;
};

} // namespace dps::test
