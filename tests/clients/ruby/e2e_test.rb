# frozen_string_literal: true

# clients/ruby against the real switchboard binary on loopback. Run by
# tests/clients/ruby_client_test.sh, with SWITCHBOARD_BINARY and
# SWITCHBOARD_FIXTURES set and clients/ruby/lib and this folder on the load path.

require "json"
require "live_server_test"
require "typed_walker"

# Keys of official samples whose shape JustCall does not document: left to data_json.
UNDOCUMENTED_KEYS = %w[queue_callback shared_with_agents].freeze

# Iterates a Subscription on a thread; events, then how +each+ ended (:done or
# the exception), go to a queue.
class Subscriber
  attr_reader :subscription

  def initialize(subscription, &before)
    @subscription = subscription
    @items = Queue.new
    @thread = Thread.new do
      subscription.each do |event|
        before&.call(event)
        @items << event
      end
      @items << :done
    rescue Exception => e # rubocop:disable Lint/RescueException -- handed to the test
      @items << e
    end
  end

  def next_event
    item = pop(WAIT) or raise Minitest::Assertion, "no event within #{WAIT} s"
    raise Minitest::Assertion, "the subscription failed: #{item.inspect}" if item.is_a?(Exception)
    raise Minitest::Assertion, "expected an event, got #{item.inspect}" unless item.is_a?(Switchboard::V1::Event)

    item
  end

  # How +each+ ended: :done or the exception it raised.
  def end_of_each
    item = pop(WAIT) or raise Minitest::Assertion, "each did not end within #{WAIT} s"
    raise Minitest::Assertion, "expected each to end, got an event: #{item.inspect}" if item.is_a?(Switchboard::V1::Event)

    item
  end

  # The next item within +timeout+ seconds, or nil.
  def pop(timeout)
    deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout
    while @items.empty?
      return nil if Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline

      sleep 0.01
    end
    @items.pop
  end

  def close
    @subscription.close
    raise Minitest::Assertion, "each did not return after close" unless @thread.join(5)
  end
end

class SubscriptionE2eTest < Minitest::Test
  include LiveServerTest

  def subscriber(server, **options, &before)
    subscriber = Subscriber.new(Switchboard::Subscription.new(server.grpc_addr, **options), &before)
    @cleanup << -> { subscriber.close }
    subscriber
  end

  def samples(dir)
    Dir[File.join(dir, "*.json")].sort
  end

  def assert_call(event, sequence, call_id)
    assert_equal sequence, event.sequence
    assert_equal "call.completed", event.type
    assert_equal call_id, event.call_completed.call_id
    event.id
  end

  def test_every_sample_arrives_typed_with_its_json_values
    server = server()
    flat = samples(FIXTURES)
    official = samples(File.join(FIXTURES, "v2.1"))
    assert_equal 9, flat.size, "flat samples"
    assert_equal 23, official.size, "official samples"
    posted = (flat + official).to_h { |path| [server.post(path: path), path] }

    subscriber = subscriber(server, after_sequence: 0)
    differences = []
    posted.each do |sequence, path|
      event = subscriber.next_event
      name = path.delete_prefix("#{FIXTURES}/")
      text = File.read(path)
      doc = JSON.parse(text)
      data = doc.fetch("data")
      official_sample = doc.key?("request_id")

      assert_equal sequence, event.sequence, name
      assert_equal File.basename(path, ".json"), event.type, name
      refute_nil event.received_at, name
      if official_sample
        assert_equal doc["request_id"], event.id, name
        assert_equal doc["webhook_url"], event.webhook_url, name
        assert_equal doc["url_id"], event.url_id, name
        assert_nil event.occurred_at, "#{name}: the v2.1 envelope has no timestamp"
      else
        refute_empty event.id, name
        refute_nil event.occurred_at, name
      end
      assert_empty event.schema_mismatches.to_a, name
      assert_empty event.envelope_extras.to_h, name
      # Lossless: data_json is the data object, byte for byte.
      assert_equal data, JSON.parse(event.data_json), name
      assert_includes text, event.data_json, "#{name}: data_json is not the file's text"

      # The payload field is the type with '.' -> '_' (README, "JustCall events").
      payload = event.type.tr(".", "_").to_sym
      assert_equal payload, event.payload, name
      walker = TypedWalker.new
      walker.walk_payload(event[payload.to_s], data, "#{name}: data")
      differences.concat(walker.differences)
      walker.untyped.each do |key_path|
        next if official_sample && UNDOCUMENTED_KEYS.include?(key_path.split(".").last)

        differences << "#{key_path} has no typed field"
      end
    end
    assert_equal [], differences, "typed fields that differ from the JSON"
    assert_nil subscriber.pop(0.3), "unexpected extra item"
  end

  def test_official_call_completed_has_its_nested_typed_fields
    # Literal values, in case the generic walk ever compares the wrong things.
    server = server()
    server.post(path: File.join(FIXTURES, "v2.1", "call.completed.json"))
    event = subscriber(server, event_types: ["call.completed"], from_oldest: true).next_event
    assert_equal "01JXD2HT5FFZ5Z9QYHPK8VRKCM", event.id
    assert_equal :call_completed, event.payload
    call = event.call_completed.call
    assert_equal 1_048_576_123, call.id
    assert_equal "CAd3fe0784bd6801797ca6fc9f9b5a4d45", call.call_sid
    assert_equal "14155550142", call.contact_number # kept as sent, no '+'
    assert_equal 271_553, call.agent_id
    assert_equal "Maya Fernandes", call.agent_name
    assert_equal 0.0285, call.cost_incurred
    assert_equal "Incoming", call.call_info.direction
    assert_equal "Answered", call.call_info.type
    assert_equal 185, call.call_duration.total_duration
    assert_equal "00:03:05", call.call_duration.friendly_duration
    assert_equal Time.utc(2025, 6, 10, 14, 5, 12).to_i, call.called_at.seconds
  end

  def test_resumes_after_server_restart_without_gap_or_duplicate
    durable = ["--store=rocksdb", "--data_dir=#{tmpdir}"]
    first = server(flags: durable)
    (1..3).each { |i| assert_equal i, first.post(json: flat_call_completed("call_before_#{i}")) }

    # The reconnect waits (in on_retry, on each's thread) until the second
    # server holds events stored while the client was away: a live resume would
    # miss them, a resume from the start would deliver 1..3 twice.
    second_populated = false
    retries = Queue.new
    on_retry = lambda do |info|
      retries << info
      wait_until { second_populated }
    end
    subscriber = subscriber(first, event_types: ["call.*"], after_sequence: 0,
                               initial_backoff: 0.05, max_backoff: 0.2, on_retry: on_retry)
    ids = (1..3).map { |i| assert_call(subscriber.next_event, i, "call_before_#{i}") }

    assert_equal 0, first.stop, "switchboard exit status after SIGTERM" # ends the stream: UNAVAILABLE
    second = server(grpc_port: first.grpc_port, flags: durable)
    assert_equal 4, second.post(json: flat_call_completed("call_while_away_4"))
    assert_equal 5, second.post(json: flat_call_completed("call_while_away_5"))
    second_populated = true

    ids << assert_call(subscriber.next_event, 4, "call_while_away_4")
    ids << assert_call(subscriber.next_event, 5, "call_while_away_5")
    assert_equal 6, second.post(json: flat_call_completed("call_live_6"))
    ids << assert_call(subscriber.next_event, 6, "call_live_6")
    assert_nil subscriber.pop(0.3), "unexpected extra item"
    assert_equal 6, ids.uniq.size, "distinct events"
    assert_equal 6, subscriber.subscription.last_sequence
    assert_operator subscriber.subscription.reconnects, :>=, 1
    first_retry = retries.pop
    assert_equal GRPC::Core::StatusCodes::UNAVAILABLE, first_retry.cause.code
    assert_equal 3, first_retry.resume_after
    all = [first_retry] + Array.new(retries.size) { retries.pop }
    all.each { |info| assert_operator info.delay, :<=, 0.2, info.inspect }
  end

  def test_bad_pattern_is_invalid_argument_not_retried
    server = server()
    retries = []
    subscriber = subscriber(server, event_types: ["Not A Pattern"], on_retry: ->(info) { retries << info })
    error = subscriber.end_of_each
    assert_kind_of GRPC::InvalidArgument, error
    assert_includes error.details, '"Not A Pattern"'
    assert_equal 0, subscriber.subscription.reconnects
    assert_empty retries
  end

  def test_server_not_running_at_first_is_reported_not_retried
    server = server()
    address = server.grpc_addr
    server.stop # nothing listens there now
    subscription = Switchboard::Subscription.new(address)
    @cleanup << -> { subscription.close }
    error = assert_raises(GRPC::Unavailable) { subscription.each { flunk "no event expected" } }
    assert error.details.start_with?("cannot connect to #{address}"), error.details
  end

  def test_block_exception_stops_each_and_the_event_is_not_counted
    server = server()
    server.post(json: flat_call_completed("call_1"))
    server.post(json: flat_call_completed("call_2"))
    failure = RuntimeError.new("cannot process call_2")
    subscriber = subscriber(server, from_oldest: true) { |event| raise failure if event.sequence == 2 }
    assert_call(subscriber.next_event, 1, "call_1")
    assert_same failure, subscriber.end_of_each, "each raises the block's exception"
    assert_equal 1, subscriber.subscription.last_sequence

    # Resuming from there delivers the event again.
    assert_call(subscriber(server, after_sequence: 1).next_event, 2, "call_2")
  end

  def test_enumerator_form_and_break_count_as_delivered
    server = server()
    (1..3).each { |i| server.post(json: flat_call_completed("call_#{i}")) }
    subscription = Switchboard::Subscription.new(server.grpc_addr, from_oldest: true)
    @cleanup << -> { subscription.close }
    enumerator = subscription.each
    assert_kind_of Enumerator, enumerator
    assert_equal [1, 2], enumerator.first(2).map(&:sequence) # first(2) breaks out after the second
    assert_equal 2, subscription.last_sequence
    # It resumes after the last event taken.
    assert_equal ["call_3"], subscription.lazy.map { |e| e.call_completed.call_id }.first(1)
  end

  def test_close_from_another_thread_ends_each_promptly
    server = server()
    # From the oldest: the event posted next arrives however late each subscribes.
    subscriber = subscriber(server, from_oldest: true)
    server.post(path: File.join(FIXTURES, "sms.received.json"))
    assert_equal "sms.received", subscriber.next_event.type
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    subscriber.subscription.close
    assert_equal :done, subscriber.end_of_each
    assert_operator Process.clock_gettime(Process::CLOCK_MONOTONIC) - started, :<, 2
  end

  def test_tls_with_client_certificate_and_token_receives_events_and_without_token_is_unauthenticated
    dir = make_certificates
    token = "ruby-client-test-token"
    server = server(flags: tls_server_flags(dir) + ["--grpc_token_file=#{token_file(dir, token, 'call.*')}"])
    server.post(path: File.join(FIXTURES, "v2.1", "call.completed.json"))
    tls = { tls_ca_file: "#{dir}/ca.pem", tls_cert_file: "#{dir}/client.pem", tls_key_file: "#{dir}/client.key" }

    assert_equal "01JXD2HT5FFZ5Z9QYHPK8VRKCM", subscriber(server, token: token, after_sequence: 0, **tls).next_event.id

    no_token = subscriber(server, after_sequence: 0, **tls)
    assert_kind_of GRPC::Unauthenticated, no_token.end_of_each
    assert_equal 0, no_token.subscription.reconnects
  end
end
