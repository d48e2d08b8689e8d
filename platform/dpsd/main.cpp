// dpsd: the platform's HTTPS server. Wires settings to the application and waits for signals:
// SIGTERM/SIGINT stop it gracefully, SIGHUP reloads the TLS certificate and key.
#include "app/application.hpp"
#include "log/logger.hpp"

#include <csignal>
#include <cstdio>
#include <pthread.h>
#include <thread>

namespace {

constexpr const char* kUsage =
    "usage: dpsd [--config FILE] [settings]\n"
    "\n"
    "Signals: SIGTERM or SIGINT stop accepting, finish the requests in flight (DPS_SHUTDOWN_GRACE_MS)\n"
    "and exit 0. SIGHUP reads DPS_TLS_CERT and DPS_TLS_KEY again: new connections get the new pair,\n"
    "open ones keep theirs; a pair that does not load is refused with an error line and the old one kept.\n"
    "\n";

const char* signal_name(int sig) { return sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : sig == SIGHUP ? "SIGHUP" : "other"; }

} // namespace

int main(int argc, char** argv)
{
    // Block the signals in every thread (before any starts); one thread waits for them. SIGHUP too:
    // its default action would kill the process, even while it is still starting.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    auto parsed = dps::parse_config({argv + 1, argv + argc}, dps::process_environment());
    if (!parsed) {
        std::fprintf(stderr, "dpsd: %s\n", parsed.err().message.c_str());
        return 2;
    }
    if (parsed->help) {
        std::printf("%s%s", kUsage, parsed->help_text.c_str());
        return 0;
    }
    const auto& s = parsed->settings;
    dps::log::set_minimum(s.log_level);
    if (!s.config_file.empty()) dps::log::info("config_file", {{"file", s.config_file}});
    auto app = dps::app::application::create(s);
    if (!app) {
        std::fprintf(stderr, "dpsd: %s\n", app.err().message.c_str());
        return 1;
    }
    (*app)->start();
    dps::log::info("listening", {{"url", "https://" + s.listen.host + ":" + std::to_string((*app)->port()) + "/"},
                                 {"threads", s.threads}});

    std::thread waiter([&] {
        for (;;) {
            int sig = 0;
            if (sigwait(&signals, &sig) != 0) continue;
            dps::log::info("signal", {{"signal", signal_name(sig)}});
            if (sig == SIGHUP) {
                (void)(*app)->reload_tls(); // a refusal is logged there; the server carries on either way
                continue;
            }
            (*app)->shutdown();
            return;
        }
    });
    (*app)->wait();
    // If the server ended without a signal (it cannot today), release the waiter.
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    dps::log::info("stopped", {});
    return 0;
}
