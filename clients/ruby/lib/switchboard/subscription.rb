# frozen_string_literal: true

require "grpc"
require "google/protobuf/timestamp_pb"
require "switchboard/v1/event_stream_services_pb"

module Switchboard
  # Why a Subscription is about to reconnect, given to its +on_retry+ callable.
  # +cause+:: what ended the previous attempt, a GRPC::BadStatus (GRPC::Unavailable
  #           when the server shut down, the connection broke or could not be made)
  # +attempt+:: 1 for the first attempt after a stream that worked, then 2, 3, ...
  # +delay+:: seconds it waits before the attempt
  # +resume_after+:: the sequence it resumes after; nil before the first event
  RetryInfo = Struct.new(:cause, :attempt, :delay, :resume_after, keyword_init: true)

  # A switchboard.v1.EventStream/Subscribe stream that survives reconnects:
  # after a server restart or a broken connection it waits (exponential
  # backoff with jitter) and subscribes again with +after_sequence+ set to the
  # last event it delivered, so nothing is lost and nothing is delivered twice.
  #
  #   subscription = Switchboard::Subscription.new("127.0.0.1:50051",
  #                                                event_types: ["call.*"], after_sequence: 0)
  #   subscription.each { |event| puts "#{event.sequence} #{event.type}" }
  #
  # +each+ blocks and yields Switchboard::V1::Event messages in sequence order
  # until #close (from another thread; +each+ then returns), the block raises
  # (the stream is cancelled and the exception propagates; that event does
  # not count as delivered) or breaks (it does), or the server answers with a
  # status that reconnecting cannot fix (raised as its GRPC::BadStatus
  # subclass). Without a block +each+ returns an Enumerator; the Enumerable
  # methods (+first(3)+, +lazy+, ...) work too.
  #
  # Reconnects after: UNAVAILABLE (server down, restarting or shutting down;
  # broken connection), ABORTED, a CANCELLED that #close did not cause, a
  # stream the server ended without error, and RESOURCE_EXHAUSTED before the
  # stream delivered anything (a limit on subscribers). Raises every other
  # status: INVALID_ARGUMENT (bad pattern), OUT_OF_RANGE (resume point out of
  # retention, or log reset), UNAUTHENTICATED, PERMISSION_DENIED, and
  # RESOURCE_EXHAUSTED after events were delivered: this subscriber read so
  # slowly that unread events left retention, and resuming from the oldest
  # retained one would skip them silently, so that is the caller's decision
  # (the message names the sequence to resume after).
  #
  # Thread safety: +each+ on one thread at a time; #close, #last_sequence and
  # #reconnects from any thread, also from inside the block.
  class Subscription
    include Enumerable

    Codes = GRPC::Core::StatusCodes
    States = GRPC::Core::ConnectivityStates
    # Granularity of the connection wait, which #close must be able to end.
    POLL_INTERVAL = 0.05

    # How many times the stream was opened again after a break.
    def reconnects
      @mutex.synchronize { @reconnects }
    end

    # The sequence of the last event delivered (the block returned or broke
    # out), or +after_sequence+; nil before the first event of a live or
    # oldest start.
    def last_sequence
      @mutex.synchronize { @last_sequence }
    end

    # +address+:: "HOST:PORT" of the switchboard gRPC server.
    # +event_types+:: patterns as in SubscribeRequest.event_types: an exact type
    #   ("call.completed"), a prefix ("call.*") or "*"; empty: every type. The
    #   server checks them: a malformed one raises GRPC::InvalidArgument.
    # +after_sequence+:: resume after this sequence (the last one you
    #   processed; 0 = the oldest retained event). +from_oldest+: true starts
    #   with the oldest retained event. Neither: live, only events stored from
    #   now on; if the stream breaks before the first event it resubscribes
    #   with +received_since+ = when it started (this machine's clock).
    # +token+:: sends "authorization: Bearer TOKEN" on every call.
    # +tls+:: true for TLS with gRPC's default roots; +tls_ca_file+ (PEM) to
    #   verify the server with that CA; +tls_cert_file+ and +tls_key_file+ (PEM)
    #   for a client certificate (mTLS). Any of the files implies TLS.
    # +initial_backoff+, +max_backoff+, +multiplier+, +jitter+:: the delay before
    #   the n-th consecutive reconnect attempt (n = 0, 1, ...) is
    #   d = min(max, initial * multiplier**n) seconds, drawn uniformly from
    #   [d * (1 - jitter), d] so that many subscribers do not reconnect in step.
    # +connect_timeout+:: seconds one connection attempt may take.
    # +wait_for_server+:: false: if the very first connection fails, +each+
    #   raises GRPC::Unavailable at once ("cannot connect to ..."), so a wrong
    #   address is reported instead of retried forever. true: retry it too.
    # +on_retry+:: called with a RetryInfo before each reconnect (after the
    #   delay is chosen, before waiting it), on +each+'s thread; e.g. to log.
    def initialize(address, event_types: [], after_sequence: nil, from_oldest: false,
                   token: nil, tls: false, tls_ca_file: nil, tls_cert_file: nil, tls_key_file: nil,
                   initial_backoff: 0.1, max_backoff: 10.0, multiplier: 2.0, jitter: 0.5,
                   connect_timeout: 5.0, wait_for_server: false, on_retry: nil)
      unless initial_backoff.positive? && max_backoff >= initial_backoff && multiplier >= 1 &&
             jitter.between?(0, 1)
        raise ArgumentError, "bad backoff: need 0 < initial_backoff <= max_backoff, multiplier >= 1 " \
                             "and jitter in [0, 1]"
      end
      raise ArgumentError, "connect_timeout must be positive" unless connect_timeout.positive?
      raise ArgumentError, "give after_sequence or from_oldest, not both" if after_sequence && from_oldest
      if tls_cert_file.nil? != tls_key_file.nil?
        raise ArgumentError, "tls_cert_file and tls_key_file go together"
      end

      @address = address
      @event_types = event_types.to_a
      @from_oldest = from_oldest
      @initial_backoff = initial_backoff
      @max_backoff = max_backoff
      @multiplier = multiplier
      @jitter = jitter
      @connect_timeout = connect_timeout
      @wait_for_server = wait_for_server
      @on_retry = on_retry
      @metadata = token ? { "authorization" => "Bearer #{token}" } : {}
      tls ||= tls_ca_file || tls_cert_file
      @channel = GRPC::Core::Channel.new(address, channel_args, credentials(tls, tls_ca_file, tls_cert_file, tls_key_file))
      @stub = V1::EventStream::Stub.new(address, nil, channel_override: @channel)

      @connected_once = false
      @live_since = nil # when a live start first subscribed

      @mutex = Mutex.new
      @cond = ConditionVariable.new
      @closed = false
      @running = false # each is under way: it closes the channel when it returns
      @call = nil # the call in progress
      @last_sequence = after_sequence
      @reconnects = 0
    end

    # Yields each event (see the class comment); without a block, an Enumerator.
    # Returns self after #close.
    def each
      return enum_for(:each) unless block_given?

      @mutex.synchronize do
        raise "each is already running on another thread" if @running
        return self if @closed

        @running = true
      end
      begin
        run { |event| yield event }
      ensure
        @mutex.synchronize do
          @running = false
          @channel.close if @closed
        end
      end
      self
    end

    # Makes +each+ return promptly (it cancels the call in progress or the wait
    # before a reconnect) and releases the channel. Safe from any thread, any
    # number of times; the subscription stays closed.
    def close
      call = @mutex.synchronize do
        @closed = true
        @cond.broadcast
        @channel.close unless @running
        @call
      end
      call&.cancel
      nil
    end

    def closed?
      @mutex.synchronize { @closed }
    end

    private

    def run
      failures = 0 # consecutive attempts that got nothing done
      retry_cause = nil
      loop do
        if retry_cause
          delay = backoff_delay(failures)
          @on_retry&.call(RetryInfo.new(cause: retry_cause, attempt: failures + 1, delay: delay,
                                        resume_after: last_sequence))
          return unless sleep_unless_closed(delay)

          @mutex.synchronize { @reconnects += 1 }
          retry_cause = nil
        end

        failed = wait_for_connection
        return if closed?

        if failed
          unless @connected_once || @wait_for_server
            raise GRPC::Unavailable, "#{failed.details}: is switchboard running there? Check the " \
                                     "address, or pass wait_for_server: true to keep trying"
          end
          retry_cause = failed
          failures += 1
          next
        end
        @connected_once = true

        error, delivered, lasted = stream { |event| yield event }
        return if closed?
        raise error unless retryable?(error, delivered)

        # A stream that delivered, or lived longer than the longest delay,
        # worked: the next break starts the backoff over.
        failures = delivered.positive? || lasted >= @max_backoff ? 0 : failures + 1
        retry_cause = error || GRPC::Unavailable.new("the server ended the stream")
      end
    end

    def retryable?(error, delivered)
      return true if error.nil?

      case error.code
      when Codes::UNAVAILABLE, Codes::ABORTED, Codes::CANCELLED then true # #close was checked before
      when Codes::RESOURCE_EXHAUSTED then delivered.zero?
      else false
      end
    end

    # Runs one Subscribe call to its end: [error or nil, events delivered, seconds].
    # An exception from the block propagates.
    #
    # The call is read on a thread of its own, one event ahead: a thread
    # blocked in gRPC's read does not run signal handlers, and the caller's
    # thread must (Ctrl-C raises Interrupt out of +each+; a trap may #close).
    def stream
      request = next_request
      call = @mutex.synchronize do
        return [nil, 0, 0] if @closed

        # From here #close cancels this call.
        @call = @stub.subscribe(request, metadata: @metadata, return_op: true)
      end
      started = now
      events = SizedQueue.new(1)
      reader = Thread.new { read(call, events) }
      delivered = 0
      begin
        # Events, then nil or the call's GRPC::BadStatus, or another error of the reader.
        while (event = events.pop).is_a?(V1::Event)
          block_failed = false
          begin
            yield event
          rescue Exception # rubocop:disable Lint/RescueException -- re-raised: any exception stops it
            block_failed = true
            raise
          ensure
            # Returned, or broke out of the loop: delivered.
            @mutex.synchronize { @last_sequence = event.sequence } unless block_failed
          end
          delivered += 1
        end
        raise event if event && !event.is_a?(GRPC::BadStatus)

        [event, delivered, now - started]
      ensure
        call.cancel
        events.close
        reader.join
        @mutex.synchronize { @call = nil }
      end
    end

    # On the reader thread: pushes the call's events, then its error (nil
    # when it ended with OK), into +events+, until the caller closes it.
    def read(call, events)
      Thread.current.report_on_exception = false
      outcome =
        begin
          call.execute.each { |event| events.push(event) }
          nil
        rescue StandardError => e # GRPC::BadStatus, or anything unexpected: the caller raises it
          e
        end
      events.push(outcome)
    rescue ClosedQueueError
      nil # the caller stopped reading
    end

    def next_request
      request = V1::SubscribeRequest.new(event_types: @event_types)
      last = last_sequence
      if last
        request.after_sequence = last
      elsif @from_oldest
        request.from_oldest = true
      elsif @live_since
        request.received_since = Google::Protobuf::Timestamp.new(seconds: @live_since.to_i,
                                                                 nanos: @live_since.nsec)
      else
        @live_since = Time.now
      end
      request
    end

    # nil once the channel is connected (or closed); a GRPC::Unavailable when
    # a connection attempt failed or took connect_timeout.
    def wait_for_connection
      deadline = now + @connect_timeout
      state = @channel.connectivity_state(true)
      # A channel may still be in TRANSIENT_FAILURE from an earlier attempt;
      # only a failure after a change observed here is this attempt's.
      changed = false
      until state == States::READY
        if state == States::FATAL_FAILURE || (state == States::TRANSIENT_FAILURE && changed)
          return cannot_connect("connection failed")
        end
        return nil if closed?

        remaining = deadline - now
        if remaining <= 0
          return cannot_connect(state == States::TRANSIENT_FAILURE ? "connection failed" :
                                "no connection within #{@connect_timeout} s")
        end
        changed = true if @channel.watch_connectivity_state(state, Time.now + [remaining, POLL_INTERVAL].min)
        state = @channel.connectivity_state(true)
      end
      nil
    end

    def cannot_connect(why)
      GRPC::Unavailable.new("cannot connect to #{@address} (#{why})")
    end

    def backoff_delay(failures)
      grown = @initial_backoff * (@multiplier**[failures, 64].min)
      [grown, @max_backoff].min * (1 - (@jitter * rand))
    end

    # Sleeps +delay+ seconds unless closed first; false when closed.
    def sleep_unless_closed(delay)
      deadline = now + delay
      @mutex.synchronize do
        until @closed || (remaining = deadline - now) <= 0
          @cond.wait(@mutex, remaining)
        end
        !@closed
      end
    end

    def now
      Process.clock_gettime(Process::CLOCK_MONOTONIC)
    end

    def channel_args
      {
        # The channel reconnects on its own schedule (1 s initial by default, up
        # to 2 min); keep it in step with ours so that a resubscribe does not
        # wait on it.
        "grpc.initial_reconnect_backoff_ms" => (@initial_backoff * 1000).ceil,
        "grpc.max_reconnect_backoff_ms" => (@max_backoff * 1000).ceil,
        # Despite its name, gRPC uses this as the time a connection attempt may
        # take, not as a backoff.
        "grpc.min_reconnect_backoff_ms" => (@connect_timeout * 1000).ceil,
        # Notice a dead connection on a quiet stream within about 40 s; the
        # server accepts pings every 10 s.
        "grpc.keepalive_time_ms" => 30_000,
        "grpc.keepalive_timeout_ms" => 10_000,
        "grpc.http2.max_pings_without_data" => 0,
        # Events are as large as the server accepted them; trust it.
        "grpc.max_receive_message_length" => -1,
        # This subscription's connection state is its own.
        "grpc.use_local_subchannel_pool" => 1
      }
    end

    def credentials(tls, ca_file, cert_file, key_file)
      return :this_channel_is_insecure unless tls

      GRPC::Core::ChannelCredentials.new(ca_file && File.read(ca_file),
                                         key_file && File.read(key_file),
                                         cert_file && File.read(cert_file))
    end
  end
end
