#ifndef SWITCHBOARD_TESTS_NATS_NATS_SERVER_H_
#define SWITCHBOARD_TESTS_NATS_NATS_SERVER_H_

// Test helper: real `nats-server -js` processes on loopback, standalone or
// as a cluster, for the JetStream event log's tests. Each process is killed
// (SIGKILL) and reaped by its destructor, and by the kernel if the test
// process dies (PR_SET_PDEATHSIG). Every wait is bounded.

#include <sys/types.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "nats/nats.h"

namespace switchboard::nats_test {

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0 and
// released). Ports already handed out by this process are never repeated.
int PickFreePort();

class NatsServer {
 public:
  struct Options {
    std::string name = "nats";  // -n, and the log file's name
    std::string store_dir;      // -sd: JetStream's files (required)
    int port = 0;               // client port; 0 picks a free one
    // A cluster node: all three set (route_ports: the other nodes' cluster ports).
    std::string cluster_name;
    int cluster_port = 0;
    std::vector<int> route_ports;
  };

  explicit NatsServer(Options options);
  ~NatsServer();

  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;

  // Starts the server (again, after Kill(): same port and files) and waits
  // until it accepts client connections.
  ::testing::AssertionResult Start(absl::Duration timeout = absl::Seconds(15));
  // kill -9, then reaps it. No-op when not running.
  void Kill();
  // SIGSTOP / SIGCONT: a hung server, whose connections stay open and
  // unanswered. Kill() works on a paused server.
  void Pause();
  void Resume();
  bool running() const { return pid_ > 0; }

  int port() const { return options_.port; }
  std::string url() const;
  // What the server logged (all its runs).
  std::string log() const;

 private:
  Options options_;
  std::string log_file_;
  pid_t pid_ = -1;
};

// Three JetStream servers in one cluster on loopback.
class NatsCluster {
 public:
  // Files go in `root`/n0, n1, n2.
  explicit NatsCluster(const std::string& root, int size = 3);

  // Starts every node and waits until the cluster can place a stream with
  // `size` replicas.
  ::testing::AssertionResult Start(absl::Duration timeout = absl::Seconds(30));
  NatsServer& node(int i) { return *nodes_[i]; }
  int size() const { return static_cast<int>(nodes_.size()); }
  // "nats://127.0.0.1:P0,nats://127.0.0.1:P1,..."
  std::string urls() const;

 private:
  std::vector<std::unique_ptr<NatsServer>> nodes_;
};

// Waits until JetStream at `urls` can create (and then deletes) a small
// memory stream with `replicas` replicas: in a cluster, once a metadata leader
// is elected and enough servers are known.
::testing::AssertionResult WaitForJetStream(const std::string& urls, int replicas,
                                            absl::Duration timeout);

// The name of the server leading `stream` ("n0", ...), or "" when it cannot
// be told within `timeout`.
std::string StreamLeader(const std::string& urls, const std::string& stream,
                         absl::Duration timeout = absl::Seconds(5));

// Waits until `stream` and, unless `consumer` is "", its consumer `consumer`
// have a leader and every replica is current: from then on losing any one
// node of a 3-node cluster leaves a majority that holds all of it. (A node
// lost before that, e.g. within a second of a consumer's creation, can leave
// JetStream itself without a quorum for the consumer.)
::testing::AssertionResult WaitForCurrentReplicas(const std::string& urls, const std::string& stream,
                                                  const std::string& consumer,
                                                  absl::Duration timeout);

// Notes when JetStream elects a new leader for `stream`: subscribes to its
// leader-elected advisory on the servers at `urls` (give the ones that stay
// up). Thread-safe.
class LeaderElectionWatch {
 public:
  LeaderElectionWatch(const std::string& urls, const std::string& stream);
  ~LeaderElectionWatch();

  LeaderElectionWatch(const LeaderElectionWatch&) = delete;
  LeaderElectionWatch& operator=(const LeaderElectionWatch&) = delete;

  bool subscribed() const { return sub_ != nullptr; }
  // Waits at most `timeout` for an election; returns when the first one seen
  // was announced (absl::InfinitePast() when none).
  absl::Time WaitForElection(absl::Duration timeout);

 private:
  static void OnAdvisory(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* closure);

  natsConnection* nc_ = nullptr;
  natsSubscription* sub_ = nullptr;
  std::mutex mu_;
  std::condition_variable elected_;
  absl::Time elected_at_ = absl::InfinitePast();  // guarded by mu_
};

}  // namespace switchboard::nats_test

#endif  // SWITCHBOARD_TESTS_NATS_NATS_SERVER_H_
