// Linked into copies of the single-instance end-to-end suites that run
// against the JetStream store (tests/CMakeLists.txt): a GoogleTest global
// environment starting one `nats-server -js` for the test binary's run, on a
// free loopback port with its files in a temporary directory. Their
// SWITCHBOARD_BINARY is jetstream_store_wrapper.sh, which reads the two
// variables set here and runs the real binary with --store=jetstream.

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/nats/nats_server.h"

#ifndef SWITCHBOARD_REAL_BINARY
#error "SWITCHBOARD_REAL_BINARY must be defined to the path of the switchboard binary"
#endif

namespace switchboard::e2e {
namespace {

class JetStreamStoreEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    char pattern[] = "/tmp/switchboard_jetstream_store.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    nats_test::NatsServer::Options options;
    options.name = "nats";
    options.store_dir = root_ + "/nats";
    nats_ = std::make_unique<nats_test::NatsServer>(options);
    ASSERT_TRUE(nats_->Start());
    ASSERT_TRUE(nats_test::WaitForJetStream(nats_->url(), 1, absl::Seconds(10)));
    setenv("SWITCHBOARD_TEST_NATS_URL", nats_->url().c_str(), 1);
    setenv("SWITCHBOARD_TEST_BINARY", SWITCHBOARD_REAL_BINARY, 1);
  }

  void TearDown() override {
    nats_.reset();
    if (!root_.empty()) std::filesystem::remove_all(root_);
  }

 private:
  std::string root_;
  std::unique_ptr<nats_test::NatsServer> nats_;
};

::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new JetStreamStoreEnvironment);

}  // namespace
}  // namespace switchboard::e2e
