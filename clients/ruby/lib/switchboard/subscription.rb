# frozen_string_literal: true

require "grpc"
require "google/protobuf/timestamp_pb"
require "switchboard/reconnecting"
require "switchboard/v1/event_stream_services_pb"

module Switchboard
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
    include Reconnecting

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
    def initialize(address, event_types: [], after_sequence: nil, from_oldest: false, **connection)
      raise ArgumentError, "give after_sequence or from_oldest, not both" if after_sequence && from_oldest

      setup_connection(address, **connection)
      @event_types = event_types.to_a
      @from_oldest = from_oldest
      @live_since = nil # when a live start first subscribed
      @last_sequence = after_sequence
    end

    # Yields each event (see the class comment); without a block, an Enumerator.
    # Returns self after #close.
    def each
      return enum_for(:each) unless block_given?

      exclusively("each") do
        reconnect_loop { stream { |event| yield event } }
      end
      self
    end

    private

    # Reconnecting: where a reconnect resumes (RetryInfo#resume_after).
    def resume_point
      last_sequence
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
      call = @stub.subscribe(next_request, metadata: @metadata, return_op: true)
      # From here #close cancels this call.
      return [nil, 0, 0] unless begin_call(-> { call.cancel })

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
        end_call
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
  end
end
