#include "tests/nats/nats_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "nats/nats.h"

namespace switchboard::nats_test {
namespace {

constexpr char kNatsServer[] = "nats-server";

bool CanConnect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return connected;
}

// Client options for a comma-separated list of URLs (cnats 3.4's
// natsOptions_SetURL does not connect with a list; SetServers does).
natsOptions* ConnectOptions(const std::string& urls) {
  natsOptions* options = nullptr;
  natsOptions_Create(&options);
  std::vector<std::string> servers = absl::StrSplit(urls, ',');
  std::vector<const char*> pointers;
  for (const std::string& server : servers) pointers.push_back(server.c_str());
  natsOptions_SetServers(options, pointers.data(), static_cast<int>(pointers.size()));
  natsOptions_SetTimeout(options, 1000);
  return options;
}

std::string LastLines(const std::string& text, size_t max_bytes = 4000) {
  return text.size() <= max_bytes ? text : text.substr(text.size() - max_bytes);
}

// `log` without the retries of a route to a node that is down (one a second
// per peer, they would fill the lines shown), counted in a last line.
std::string WithoutRouteRetries(const std::string& log) {
  std::string kept;
  int retries = 0;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    if (absl::StrContains(line, "Error trying to connect to route")) {
      ++retries;
      continue;
    }
    absl::StrAppend(&kept, line, "\n");
  }
  if (retries > 0) absl::StrAppend(&kept, "(", retries, " failed route connection attempts left out)\n");
  return kept;
}

// "" when `cluster` has a leader and every replica is current, else what is not.
std::string ReplicaState(const jsClusterInfo* cluster) {
  if (cluster == nullptr || cluster->Leader == nullptr || *cluster->Leader == '\0') {
    return "no leader";
  }
  for (int i = 0; i < cluster->ReplicasLen; ++i) {
    const jsPeerInfo* peer = cluster->Replicas[i];
    if (peer->Offline || !peer->Current) {
      return absl::StrCat("replica ", peer->Name, peer->Offline ? " offline" : " not current");
    }
  }
  return "";
}

}  // namespace

int PickFreePort() {
  static std::mutex mu;
  static std::set<int>* const given = new std::set<int>;
  std::lock_guard<std::mutex> lock(mu);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = 0;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      port = ntohs(address.sin_port);
    }
    close(fd);
    if (port != 0 && given->insert(port).second) return port;
  }
  return 0;
}

NatsServer::NatsServer(Options options) : options_(std::move(options)) {
  if (options_.port == 0) options_.port = PickFreePort();
  log_file_ = absl::StrCat(options_.store_dir, ".log");
}

NatsServer::~NatsServer() {
  Kill();
  if (::testing::Test::HasFailure()) {
    std::fprintf(stderr, "----- %s (port %d) log, last lines -----\n%s----- end of log -----\n",
                 options_.name.c_str(), options_.port,
                 LastLines(WithoutRouteRetries(log())).c_str());
  }
}

std::string NatsServer::url() const { return absl::StrCat("nats://127.0.0.1:", options_.port); }

std::string NatsServer::log() const {
  std::ifstream in(log_file_);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

::testing::AssertionResult NatsServer::Start(absl::Duration timeout) {
  if (pid_ > 0) return ::testing::AssertionFailure() << options_.name << " is already running";
  if (options_.port == 0) return ::testing::AssertionFailure() << "no free port";
  std::vector<std::string> args = {
      kNatsServer, "-a",          "127.0.0.1", "-p",  absl::StrCat(options_.port),
      "-n",        options_.name, "-js",       "-sd", options_.store_dir};
  if (!options_.cluster_name.empty()) {
    std::vector<std::string> routes;
    for (int port : options_.route_ports) routes.push_back(absl::StrCat("nats://127.0.0.1:", port));
    args.insert(args.end(), {"--cluster_name", options_.cluster_name, "--cluster",
                             absl::StrCat("nats://127.0.0.1:", options_.cluster_port), "--routes",
                             absl::StrJoin(routes, ",")});
  }
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int log_fd = open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return ::testing::AssertionFailure() << "open " << log_file_ << ": " << std::strerror(errno);
  }
  const int dev_null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    if (dev_null >= 0) close(dev_null);
    return ::testing::AssertionFailure() << "fork: " << std::strerror(errno);
  }
  if (pid == 0) {
    if (dev_null >= 0) dup2(dev_null, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    execvp(argv[0], argv.data());
    static const char kMessage[] =
        "nats_server.cc: cannot run nats-server (install it: "
        "apt-get install nats-server)\n";
    (void)!write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
    _exit(127);
  }
  close(log_fd);
  if (dev_null >= 0) close(dev_null);
  pid_ = pid;

  const absl::Time deadline = absl::Now() + timeout;
  while (!CanConnect(options_.port)) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return ::testing::AssertionFailure()
             << options_.name << " exited before it accepted connections; its log:\n"
             << LastLines(log());
    }
    if (absl::Now() > deadline) {
      return ::testing::AssertionFailure()
             << options_.name << " did not accept connections on port " << options_.port
             << " within " << absl::FormatDuration(timeout) << "; its log:\n"
             << LastLines(log());
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return ::testing::AssertionSuccess();
}

void NatsServer::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

void NatsServer::Pause() {
  if (pid_ > 0) kill(pid_, SIGSTOP);
}

void NatsServer::Resume() {
  if (pid_ > 0) kill(pid_, SIGCONT);
}

NatsCluster::NatsCluster(const std::string& root, int size) {
  std::vector<int> cluster_ports;
  for (int i = 0; i < size; ++i) cluster_ports.push_back(PickFreePort());
  for (int i = 0; i < size; ++i) {
    NatsServer::Options options;
    options.name = absl::StrCat("n", i);
    options.store_dir = absl::StrCat(root, "/n", i);
    options.cluster_name = "switchboard-test";
    options.cluster_port = cluster_ports[i];
    for (int j = 0; j < size; ++j) {
      if (j != i) options.route_ports.push_back(cluster_ports[j]);
    }
    nodes_.push_back(std::make_unique<NatsServer>(std::move(options)));
  }
}

std::string NatsCluster::urls() const {
  std::vector<std::string> urls;
  for (const auto& node : nodes_) urls.push_back(node->url());
  return absl::StrJoin(urls, ",");
}

::testing::AssertionResult NatsCluster::Start(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  for (auto& node : nodes_) {
    if (node->running()) continue;
    if (::testing::AssertionResult started = node->Start(timeout); !started) return started;
  }
  return WaitForJetStream(urls(), size(), deadline - absl::Now());
}

::testing::AssertionResult WaitForJetStream(const std::string& urls, int replicas,
                                            absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  natsConnection* nc = nullptr;
  natsOptions* options = ConnectOptions(urls);
  std::string last_error = "not tried";
  while (nc == nullptr) {
    natsStatus s = natsConnection_Connect(&nc, options);
    if (s == NATS_OK) break;
    nc = nullptr;
    last_error = natsStatus_GetText(s);
    if (absl::Now() > deadline) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  natsOptions_Destroy(options);
  if (nc == nullptr) {
    return ::testing::AssertionFailure() << "cannot connect to " << urls << ": " << last_error;
  }
  jsCtx* js = nullptr;
  natsConnection_JetStream(&js, nc, nullptr);
  const std::string name = absl::StrCat("PROBE", getpid(), "_", PickFreePort());
  const std::string subject = absl::StrCat("probe.", name);
  const char* subjects[] = {subject.c_str()};
  bool ready = false;
  while (!ready) {
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    config.Name = name.c_str();
    config.Subjects = subjects;
    config.SubjectsLen = 1;
    config.Storage = js_MemoryStorage;
    config.Replicas = replicas;
    jsOptions js_options;
    jsOptions_Init(&js_options);
    js_options.Wait = 2000;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_AddStream(nullptr, js, &config, &js_options, &code);
    if (s == NATS_OK) {
      js_DeleteStream(js, name.c_str(), &js_options, nullptr);
      ready = true;
      break;
    }
    last_error = absl::StrCat(natsStatus_GetText(s), " (JetStream error ", code, ")");
    if (absl::Now() > deadline) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  if (!ready) {
    return ::testing::AssertionFailure()
           << "JetStream at " << urls << " cannot place a stream with " << replicas
           << " replicas within " << absl::FormatDuration(timeout) << ": " << last_error;
  }
  return ::testing::AssertionSuccess();
}

std::string StreamLeader(const std::string& urls, const std::string& stream,
                         absl::Duration timeout) {
  natsOptions* options = ConnectOptions(urls);
  natsConnection* nc = nullptr;
  natsStatus s = natsConnection_Connect(&nc, options);
  natsOptions_Destroy(options);
  if (s != NATS_OK) return "";
  jsCtx* js = nullptr;
  natsConnection_JetStream(&js, nc, nullptr);
  std::string leader;
  const absl::Time deadline = absl::Now() + timeout;
  while (leader.empty() && absl::Now() < deadline) {
    jsStreamInfo* info = nullptr;
    if (js_GetStreamInfo(&info, js, stream.c_str(), nullptr, nullptr) == NATS_OK) {
      if (info->Cluster != nullptr && info->Cluster->Leader != nullptr) {
        leader = info->Cluster->Leader;
      }
      jsStreamInfo_Destroy(info);
    }
    if (leader.empty()) absl::SleepFor(absl::Milliseconds(100));
  }
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  return leader;
}

::testing::AssertionResult WaitForCurrentReplicas(const std::string& urls, const std::string& stream,
                                                  const std::string& consumer,
                                                  absl::Duration timeout) {
  natsOptions* options = ConnectOptions(urls);
  natsConnection* nc = nullptr;
  natsStatus s = natsConnection_Connect(&nc, options);
  natsOptions_Destroy(options);
  if (s != NATS_OK) return ::testing::AssertionFailure() << "cannot connect to " << urls;
  jsCtx* js = nullptr;
  natsConnection_JetStream(&js, nc, nullptr);
  std::string state = "not asked yet";
  const absl::Time deadline = absl::Now() + timeout;
  while (!state.empty() && absl::Now() < deadline) {
    jsStreamInfo* info = nullptr;
    state = js_GetStreamInfo(&info, js, stream.c_str(), nullptr, nullptr) == NATS_OK
                ? ReplicaState(info->Cluster)
                : "no stream info";
    jsStreamInfo_Destroy(info);
    if (state.empty() && !consumer.empty()) {
      jsConsumerInfo* consumer_info = nullptr;
      state = js_GetConsumerInfo(&consumer_info, js, stream.c_str(), consumer.c_str(), nullptr,
                                 nullptr) == NATS_OK
                  ? ReplicaState(consumer_info->Cluster)
                  : "no consumer info";
      if (!state.empty()) state = absl::StrCat("consumer ", consumer, ": ", state);
      jsConsumerInfo_Destroy(consumer_info);
    }
    if (!state.empty()) absl::SleepFor(absl::Milliseconds(100));
  }
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  if (state.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "stream " << stream << " not fully replicated within "
                                       << absl::FormatDuration(timeout) << ": " << state;
}

LeaderElectionWatch::LeaderElectionWatch(const std::string& urls, const std::string& stream) {
  natsOptions* options = ConnectOptions(urls);
  natsStatus s = natsConnection_Connect(&nc_, options);
  natsOptions_Destroy(options);
  if (s != NATS_OK) {
    nc_ = nullptr;
    return;
  }
  const std::string subject = absl::StrCat("$JS.EVENT.ADVISORY.STREAM.LEADER_ELECTED.", stream);
  if (natsConnection_Subscribe(&sub_, nc_, subject.c_str(), &OnAdvisory, this) != NATS_OK ||
      natsConnection_Flush(nc_) != NATS_OK) {
    natsSubscription_Destroy(sub_);
    sub_ = nullptr;
  }
}

LeaderElectionWatch::~LeaderElectionWatch() {
  if (sub_ != nullptr) {
    natsSubscription_Unsubscribe(sub_);
    natsSubscription_Destroy(sub_);
  }
  // Closing the connection waits for its callbacks to return.
  if (nc_ != nullptr) {
    natsConnection_Close(nc_);
    natsConnection_Destroy(nc_);
  }
}

void LeaderElectionWatch::OnAdvisory(natsConnection*, natsSubscription*, natsMsg* msg,
                                     void* closure) {
  auto* self = static_cast<LeaderElectionWatch*>(closure);
  natsMsg_Destroy(msg);
  std::lock_guard<std::mutex> lock(self->mu_);
  if (self->elected_at_ == absl::InfinitePast()) self->elected_at_ = absl::Now();
  self->elected_.notify_all();
}

absl::Time LeaderElectionWatch::WaitForElection(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  elected_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                    [this] { return elected_at_ != absl::InfinitePast(); });
  return elected_at_;
}

}  // namespace switchboard::nats_test
