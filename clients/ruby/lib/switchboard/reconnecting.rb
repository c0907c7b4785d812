# frozen_string_literal: true

require "grpc"
require "switchboard/v1/event_stream_services_pb"

module Switchboard
  # Why a Subscription or a Consumer is about to reconnect, given to its
  # +on_retry+ callable.
  # +cause+:: what ended the previous attempt, a GRPC::BadStatus (GRPC::Unavailable
  #           when the server shut down, the connection broke or could not be made)
  # +attempt+:: 1 for the first attempt after a stream that worked, then 2, 3, ...
  # +delay+:: seconds it waits before the attempt
  # +resume_after+:: the sequence a Subscription resumes after; nil before its
  #                  first event, and always for a Consumer (the group keeps the position)
  RetryInfo = Struct.new(:cause, :attempt, :delay, :resume_after, keyword_init: true)

  # What Subscription and Consumer share (not public API): the channel (TLS,
  # keepalive), the bearer token, the loop that reconnects with backoff, waiting
  # for a connection, and #close, which ends the call in progress or the wait
  # before the next one and releases the channel.
  #
  # The including class calls #setup_connection from +initialize+, runs its
  # streams inside #exclusively and #reconnect_loop, registers each call with
  # #begin_call / #end_call, and defines +retryable?(error, handled)+ and
  # +resume_point+.
  module Reconnecting
    Codes = GRPC::Core::StatusCodes
    States = GRPC::Core::ConnectivityStates
    # Granularity of the connection wait, which #close must be able to end.
    POLL_INTERVAL = 0.05

    # How many times the stream was opened again after a break.
    def reconnects
      @mutex.synchronize { @reconnects }
    end

    # Makes the running stream return promptly (it ends the call in progress or
    # the wait before a reconnect) and releases the channel. Safe from any
    # thread, any number of times; stays closed.
    def close
      cancel = @mutex.synchronize do
        pending = @closed ? nil : @cancel_call
        @closed = true
        @cond.broadcast
        @channel.close unless @running
        pending
      end
      cancel&.call
      nil
    end

    def closed?
      @mutex.synchronize { @closed }
    end

    private

    # The connection options (see Subscription#initialize for what each means).
    def setup_connection(address, token: nil, tls: false, tls_ca_file: nil, tls_cert_file: nil, tls_key_file: nil,
                         initial_backoff: 0.1, max_backoff: 10.0, multiplier: 2.0, jitter: 0.5,
                         connect_timeout: 5.0, wait_for_server: false, on_retry: nil)
      unless initial_backoff.positive? && max_backoff >= initial_backoff && multiplier >= 1 &&
             jitter.between?(0, 1)
        raise ArgumentError, "bad backoff: need 0 < initial_backoff <= max_backoff, multiplier >= 1 " \
                             "and jitter in [0, 1]"
      end
      raise ArgumentError, "connect_timeout must be positive" unless connect_timeout.positive?
      if tls_cert_file.nil? != tls_key_file.nil?
        raise ArgumentError, "tls_cert_file and tls_key_file go together"
      end

      @address = address
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
      @mutex = Mutex.new
      @cond = ConditionVariable.new
      @closed = false
      @running = false # a stream is under way: it closes the channel when it returns
      @cancel_call = nil # ends the call in progress
      @reconnects = 0
    end

    # Runs the block unless closed (then returns false), one at a time: +what+
    # names the method in the error when another thread runs it.
    def exclusively(what)
      @mutex.synchronize do
        raise "#{what} is already running on another thread" if @running
        return false if @closed

        @running = true
      end
      begin
        yield
      ensure
        @mutex.synchronize do
          @running = false
          @channel.close if @closed
        end
      end
      true
    end

    # Connects and yields for each stream until #close or an error that is not
    # retryable; the block runs one call to its end and returns
    # [GRPC::BadStatus or nil when it ended with OK, events handled, seconds].
    def reconnect_loop
      failures = 0 # consecutive attempts that got nothing done
      retry_cause = nil
      loop do
        if retry_cause
          delay = backoff_delay(failures)
          @on_retry&.call(RetryInfo.new(cause: retry_cause, attempt: failures + 1, delay: delay,
                                        resume_after: resume_point))
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

        error, handled, lasted = yield
        return if closed?
        raise error unless retryable?(error, handled)

        # A stream that handled events, or lived longer than the longest
        # delay, worked: the next break starts the backoff over.
        failures = handled.positive? || lasted >= @max_backoff ? 0 : failures + 1
        retry_cause = error || GRPC::Unavailable.new("the server ended the stream")
      end
    end

    # Makes +cancel+ what #close calls to end the call in progress; false (and
    # nothing to do) when already closed.
    def begin_call(cancel)
      @mutex.synchronize do
        return false if @closed

        @cancel_call = cancel
        true
      end
    end

    def end_call
      @mutex.synchronize { @cancel_call = nil }
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

    # The delay before the n-th consecutive reconnect attempt (n = +failures+):
    # d = min(max, initial * multiplier**n), drawn uniformly from [d * (1 - jitter), d].
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
        # to 2 min); keep it in step with ours so that a reconnect does not
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
        # This object's connection state is its own.
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
