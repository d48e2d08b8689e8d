// Plain POSIX sockets and one thread per proxied connection: a test needs a handful at most.
#include "support/tcp_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace dps::test {
namespace {

sockaddr_in loopback(unsigned short port)
{
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

bool send_all(int fd, const char* data, std::size_t n)
{
    while (n > 0) {
        const ssize_t sent = ::send(fd, data, n, MSG_NOSIGNAL);
        if (sent <= 0) return false;
        data += sent;
        n -= static_cast<std::size_t>(sent);
    }
    return true;
}

} // namespace

tcp_proxy::tcp_proxy(unsigned short target_port) : target_(target_port)
{
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    auto addr = loopback(0);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener_, 64) != 0)
        throw std::runtime_error("tcp_proxy: cannot listen on loopback");
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

tcp_proxy::~tcp_proxy()
{
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    for (auto& t : pumps_) t.join();
}

void tcp_proxy::drop_after_commit_following(const std::string& marker)
{
    std::lock_guard lock(mutex_);
    marker_ = marker;
}

void tcp_proxy::accept_loop()
{
    while (!stopping_) {
        pollfd p{listener_, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        const int client = ::accept(listener_, nullptr, nullptr);
        if (client < 0) continue;
        const int server = ::socket(AF_INET, SOCK_STREAM, 0);
        auto addr = loopback(target_);
        if (::connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(client);
            ::close(server);
            continue;
        }
        std::lock_guard lock(mutex_);
        pumps_.emplace_back([this, client, server] { pump(client, server); });
    }
}

void tcp_proxy::pump(int client, int server)
{
    bool marked = false, commit_sent = false;
    char buffer[65536];
    while (!stopping_) {
        pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
        if (::poll(fds, 2, 100) <= 0) continue;
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
            if (n <= 0) break;
            const std::string_view chunk(buffer, static_cast<std::size_t>(n));
            {
                std::lock_guard lock(mutex_);
                if (!marker_.empty() && chunk.find(marker_) != std::string_view::npos) marked = true;
                if (marked && !marker_.empty() && chunk.find("COMMIT") != std::string_view::npos) {
                    commit_sent = true;
                    marker_.clear(); // once only
                }
            }
            if (!send_all(server, buffer, static_cast<std::size_t>(n))) break;
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t n = ::recv(server, buffer, sizeof buffer, 0);
            if (n <= 0) break;
            if (commit_sent) { // the server has committed and said so: the client never hears it
                ++drops_;
                break;
            }
            if (!send_all(client, buffer, static_cast<std::size_t>(n))) break;
        }
    }
    ::close(client);
    ::close(server);
}

} // namespace dps::test
