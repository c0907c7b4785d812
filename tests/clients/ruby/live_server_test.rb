# frozen_string_literal: true

# What the live suites share: the real binary (SWITCHBOARD_BINARY), the
# fixtures (SWITCHBOARD_FIXTURES), cleanup after each test, and test
# certificates and tokens.

require "digest"
require "fileutils"
require "minitest/autorun"
require "tmpdir"
require "switchboard/client"
require "switchboard_server"

BINARY = ENV.fetch("SWITCHBOARD_BINARY")
FIXTURES = ENV.fetch("SWITCHBOARD_FIXTURES")
WAIT = 10 # seconds, for any one expected event

# Included in a Minitest::Test: servers and the like made by a test are
# stopped after it, last first.
module LiveServerTest
  def setup
    @cleanup = []
  end

  def teardown
    @cleanup.reverse_each(&:call)
  end

  # The real binary on loopback, stopped after the test.
  def server(grpc_port: 0, flags: [])
    server = SwitchboardServer.new(BINARY, grpc_port: grpc_port, flags: flags)
    @cleanup << -> { server.stop }
    server
  end

  # Waits until the block is true or +timeout+ seconds passed.
  def wait_until(timeout = WAIT)
    deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout
    sleep 0.01 until yield || Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline
  end

  def tmpdir
    dir = Dir.mktmpdir("switchboard-ruby-test")
    @cleanup << -> { FileUtils.rm_rf(dir) }
    dir
  end

  # The flat call.completed sample with another call id.
  def flat_call_completed(call_id)
    File.read(File.join(FIXTURES, "call.completed.json")).sub("call_8f3a2b1c", call_id)
  end

  # A folder with a throwaway CA and a server and a client certificate signed
  # by it (for 127.0.0.1 and localhost): ca.pem, server.pem, server.key,
  # client.pem, client.key.
  def make_certificates
    dir = tmpdir
    script = <<~SH
      set -e
      openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=test-ca -keyout ca.key -out ca.pem 2>/dev/null
      for who in server client; do
        openssl req -newkey rsa:2048 -nodes -subj /CN=$who -keyout $who.key -out $who.csr 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > $who.ext
        openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -extfile $who.ext -out $who.pem 2>/dev/null
      done
    SH
    assert system("bash", "-c", script, chdir: dir), "openssl could not make test certificates"
    dir
  end

  # The server's flags for TLS that requires a client certificate.
  def tls_server_flags(dir)
    ["--grpc_tls_cert=#{dir}/server.pem", "--grpc_tls_key=#{dir}/server.key", "--grpc_tls_client_ca=#{dir}/ca.pem"]
  end

  # A --grpc_token_file in +dir+ granting +token+ the patterns +grant+.
  def token_file(dir, token, grant)
    path = File.join(dir, "tokens")
    File.write(path, "sha256:#{Digest::SHA256.hexdigest(token)}  ruby-test  #{grant}\n")
    path
  end
end
