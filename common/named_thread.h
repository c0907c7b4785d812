#ifndef SWITCHBOARD_COMMON_NAMED_THREAD_H_
#define SWITCHBOARD_COMMON_NAMED_THREAD_H_

#include <pthread.h>

#include <string>
#include <thread>
#include <utility>

namespace switchboard {

// A thread named `name` (at most 15 characters are kept) running `body`.
// Named so that `top -H` and profiles tell Switchboard's threads apart;
// unnamed, a thread inherits the name of whichever thread started it.
template <typename Body>
std::thread NamedThread(std::string name, Body body) {
  return std::thread([name = std::move(name), body = std::move(body)]() mutable {
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
    body();
  });
}

}  // namespace switchboard

#endif  // SWITCHBOARD_COMMON_NAMED_THREAD_H_
