// dpsd: the platform's HTTPS server. Wires settings to the application and waits for SIGTERM/SIGINT.
#include "app/application.hpp"
#include "log/logger.hpp"

#include <csignal>
#include <cstdio>
#include <pthread.h>
#include <thread>

int main(int argc, char** argv)
{
    // Block the stop signals in every thread; one thread waits for them and starts a graceful shutdown.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    auto parsed = dps::parse_config({argv + 1, argv + argc}, dps::process_environment());
    if (!parsed) {
        std::fprintf(stderr, "dpsd: %s\n", parsed.err().message.c_str());
        return 2;
    }
    if (parsed->help) {
        std::printf("usage: dpsd [settings]\n\n%s", parsed->help_text.c_str());
        return 0;
    }
    auto app = dps::app::application::create(parsed->settings);
    if (!app) {
        std::fprintf(stderr, "dpsd: %s\n", app.err().message.c_str());
        return 1;
    }
    (*app)->start();
    const auto& s = parsed->settings;
    dps::log::info("listening", {{"url", "https://" + s.listen.host + ":" + std::to_string((*app)->port()) + "/"},
                                 {"threads", s.threads}});

    std::thread waiter([&] {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        dps::log::info("signal", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
        (*app)->shutdown();
    });
    (*app)->wait();
    // If the server ended without a signal (it cannot today), release the waiter.
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    dps::log::info("stopped", {});
    return 0;
}
