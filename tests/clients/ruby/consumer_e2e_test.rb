# frozen_string_literal: true

# Switchboard::Consumer (a consumer group member) against the real switchboard
# binary on loopback. Run by tests/clients/ruby_client_test.sh, with
# SWITCHBOARD_BINARY and SWITCHBOARD_FIXTURES set and clients/ruby/lib and
# this folder on the load path.

require "live_server_test"

# Runs a Consumer on a thread. Records each delivery ([sequence, attempt])
# before calling +before+, which may raise or break, and each event the
# block returned from; how +run+ ended (:done, the break value or the
# exception) goes to a queue.
class Member
  attr_reader :consumer, :thread

  def initialize(address, **options, &before)
    @mutex = Mutex.new
    @deliveries = []
    @handled = []
    @joined = Queue.new
    @ends = Queue.new
    @consumer = Switchboard::Consumer.new(address, on_joined: ->(joined) { @joined << joined }, **options)
    @thread = Thread.new do
      result = @consumer.run do |event, attempt|
        @mutex.synchronize { @deliveries << [event.sequence, attempt] }
        before&.call(event, attempt)
        @mutex.synchronize { @handled << event.sequence }
      end
      @ends << (result.nil? ? :done : result)
    rescue Exception => e # rubocop:disable Lint/RescueException -- handed to the test
      @ends << e
    end
  end

  def handled
    @mutex.synchronize { @handled.dup }
  end

  # Attempts per sequence, in the order delivered.
  def attempts
    @mutex.synchronize { @deliveries.group_by(&:first).transform_values { |d| d.map(&:last) } }
  end

  # The GroupJoined of the first join.
  def await_joined
    pop(@joined, WAIT) or raise Minitest::Assertion, "not joined within #{WAIT} s"
  end

  # How +run+ ended: :done, the value +break+ gave, or the exception it raised.
  def end_of_run
    pop(@ends, WAIT) or raise Minitest::Assertion, "run did not end within #{WAIT} s"
  end

  def close
    @consumer.close
    raise Minitest::Assertion, "run did not return after close" unless @thread.join(5)
  end

  private

  def pop(queue, timeout)
    deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout
    while queue.empty?
      return nil if Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline

      sleep 0.01
    end
    queue.pop
  end
end

class ConsumerE2eTest < Minitest::Test
  include LiveServerTest

  # A member of +group+ with short backoffs, closed after the test.
  def member(server, group, **options, &before)
    member = Member.new(server.grpc_addr, group: group, initial_backoff: 0.05, max_backoff: 0.5, **options, &before)
    @cleanup << -> { member.close }
    member
  end

  def group_info(server, group)
    stub = Switchboard::V1::ConsumerGroupService::Stub.new(server.grpc_addr, :this_channel_is_insecure)
    stub.get_group(Switchboard::V1::GetGroupRequest.new(group: group)).group
  end

  def test_three_members_share_3000_events_exactly_once
    server = server()
    members = Array.new(3) { member(server, "share", from_oldest: true, max_unacked: 50) }
    members.each(&:await_joined) # all in the group before the first event
    posted = server.post_all((1..3000).map { |i| flat_call_completed("share_#{i}") })

    wait_until(60) { members.sum { |m| m.handled.size } >= 3000 }
    sleep 0.3 # anything delivered twice would show by now
    members.each { |m| refute_empty m.handled, "a member got nothing: the work is not shared" }
    times = members.flat_map(&:handled).tally
    missing = posted - times.keys
    assert_equal [], missing.sort.first(10), "events not handled: #{missing.size}, the first ones"
    assert_equal posted.sort, times.keys.sort, "events handled that were not posted"
    assert_equal({}, times.select { |_, n| n > 1 }, "events handled more than once")

    # Every ack is stored: the server confirmed them all, and the group holds nothing.
    wait_until { members.sum { |m| m.consumer.acked } >= 3000 }
    assert_equal 3000, members.sum { |m| m.consumer.acked }
    info = group_info(server, "share")
    assert_equal posted.max, info.acked_through
    assert_equal 0, info.pending
    assert_equal 3, info.members.size
  end

  def test_an_event_whose_block_raises_comes_back_with_attempt_2_and_the_consumer_goes_on
    server = server()
    failure = RuntimeError.new("cannot process call_fails yet")
    reported = Queue.new
    member = member(server, "retry", from_oldest: true, on_error: ->(error, delivery) { reported << [error, delivery] }) do |event, attempt|
      raise failure if event.call_completed.call_id == "call_fails" && attempt == 1
    end
    assert_equal 1, server.post(json: flat_call_completed("call_ok_1"))
    assert_equal 2, server.post(json: flat_call_completed("call_fails"))
    assert_equal 3, server.post(json: flat_call_completed("call_ok_3"))

    wait_until { member.handled.size >= 3 }
    sleep 0.3 # a further redelivery would show by now
    assert_equal({ 1 => [1], 2 => [1, 2], 3 => [1] }, member.attempts)
    assert_equal [1, 2, 3], member.handled.sort
    assert_equal 1, reported.size, "on_error calls"
    error, delivery = reported.pop
    assert_same failure, error
    assert_equal [2, 1], [delivery.event.sequence, delivery.delivery_attempt]
    assert member.thread.alive?, "run ended after the block raised"
    assert_equal 3, member.consumer.handled
    wait_until { member.consumer.acked >= 3 }
    assert_equal 3, member.consumer.acked
    info = group_info(server, "retry")
    assert_equal 0, info.pending
    assert_equal 0, info.dead_letters
  end

  def test_joining_with_another_filter_is_failed_precondition_not_retried
    server = server()
    first = member(server, "filtered", event_types: ["call.completed"])
    first.await_joined
    retries = Queue.new
    second = member(server, "filtered", event_types: ["sms.received"], on_retry: ->(info) { retries << info })
    error = second.end_of_run
    assert_kind_of GRPC::FailedPrecondition, error
    assert_includes error.details, "call.completed"
    assert_empty retries
    assert_equal 0, second.consumer.reconnects
    assert first.thread.alive?, "the first member is still in the group"
  end

  def test_close_from_the_block_acks_what_was_handled_and_gives_the_rest_back
    server = server()
    server.post_all((1..5).map { |i| flat_call_completed("call_#{i}") })
    consumer = nil
    # One delivery batch of 5; close while handling the third.
    closer = member(server, "close", from_oldest: true) { |event| consumer.close if event.sequence == 3 }
    consumer = closer.consumer
    assert_equal :done, closer.end_of_run
    assert_equal [1, 2, 3], closer.handled
    assert_equal 3, consumer.acked, "acks confirmed before run returned"

    # Nothing handled comes again; the two not handled do.
    nxt = member(server, "close")
    wait_until { nxt.handled.size >= 2 }
    sleep 0.3
    assert_equal [4, 5], nxt.handled
  end

  def test_break_acks_the_event_and_leaves_the_group
    server = server()
    server.post_all((1..5).map { |i| flat_call_completed("call_#{i}") })
    consumer = Switchboard::Consumer.new(server.grpc_addr, group: "break", from_oldest: true)
    @cleanup << -> { consumer.close }
    handled = []
    # One delivery batch of 5; break out while handling the second.
    runner = Thread.new do
      consumer.run do |event|
        handled << event.sequence
        break :stopped if event.sequence == 2
      end
    end
    assert runner.join(WAIT), "run did not return within #{WAIT} s"
    assert_equal :stopped, runner.value, "run returns the break value"
    assert_equal [1, 2], handled
    assert_equal 2, consumer.handled
    assert_equal 2, consumer.acked, "acks confirmed before run returned"
    wait_until { group_info(server, "break").members.empty? }
    assert_empty group_info(server, "break").members

    nxt = member(server, "break")
    wait_until { nxt.handled.size >= 3 }
    sleep 0.3
    assert_equal [3, 4, 5], nxt.handled
  end

  def test_close_from_another_thread_ends_run_promptly
    server = server()
    member = member(server, "idle")
    member.await_joined # run now waits for events
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    member.consumer.close
    assert_equal :done, member.end_of_run
    assert_operator Process.clock_gettime(Process::CLOCK_MONOTONIC) - started, :<, 2
    wait_until { group_info(server, "idle").members.empty? }
    assert_empty group_info(server, "idle").members
  end

  def test_rejoins_after_server_restart_and_acked_events_do_not_come_back
    durable = ["--store=rocksdb", "--data_dir=#{tmpdir}"]
    first = server(flags: durable)
    retries = Queue.new
    member = member(first, "restart", from_oldest: true, on_retry: ->(info) { retries << info })
    first.post_all((1..3).map { |i| flat_call_completed("call_before_#{i}") })
    wait_until { member.consumer.acked >= 3 }
    assert_equal 3, member.consumer.acked

    assert_equal 0, first.stop, "switchboard exit status after SIGTERM" # ends the stream: UNAVAILABLE
    second = server(grpc_port: first.grpc_port, flags: durable)
    second.post_all([flat_call_completed("call_after_4"), flat_call_completed("call_after_5")])
    wait_until { member.handled.size >= 5 }
    sleep 0.3
    assert_equal [1, 2, 3, 4, 5], member.handled
    assert_operator member.consumer.reconnects, :>=, 1
    all = Array.new(retries.size) { retries.pop }
    assert_equal GRPC::Core::StatusCodes::UNAVAILABLE, all.first.cause.code
    all.each do |info|
      assert_operator info.delay, :<=, 0.5, info.inspect
      assert_nil info.resume_after
    end
  end

  def test_tls_with_client_certificate_and_token_joins_and_a_filter_outside_the_grant_is_not_retried
    dir = make_certificates
    token = "ruby-consumer-test-token"
    server = server(flags: tls_server_flags(dir) + ["--grpc_token_file=#{token_file(dir, token, 'call.*')}"])
    server.post(path: File.join(FIXTURES, "v2.1", "call.completed.json"))
    tls = { tls_ca_file: "#{dir}/ca.pem", tls_cert_file: "#{dir}/client.pem", tls_key_file: "#{dir}/client.key" }

    secure = member(server, "secure", token: token, event_types: ["call.*"], from_oldest: true, **tls)
    wait_until { secure.handled.size >= 1 }
    assert_equal [1], secure.handled

    outside = member(server, "sms", token: token, event_types: ["sms.received"], **tls)
    assert_kind_of GRPC::PermissionDenied, outside.end_of_run
    assert_equal 0, outside.consumer.reconnects

    no_token = member(server, "secure", **tls)
    assert_kind_of GRPC::Unauthenticated, no_token.end_of_run
    assert_equal 0, no_token.consumer.reconnects
  end
end
