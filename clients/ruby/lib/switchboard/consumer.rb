# frozen_string_literal: true

require "grpc"
require "google/protobuf/duration_pb"
require "switchboard/reconnecting"
require "switchboard/v1/consumer_group_pb"
require "switchboard/v1/event_stream_services_pb"

module Switchboard
  # A member of a consumer group (switchboard.v1.EventStream/Consume) that
  # survives reconnects: every replica of a service runs one with the same
  # group name, and each event matching the group's filter goes to one of
  # them.
  #
  #   consumer = Switchboard::Consumer.new("127.0.0.1:50051", group: "billing",
  #                                        event_types: ["call.completed"], from_oldest: true)
  #   consumer.run { |event, attempt| charge(event.call_completed.call) }
  #
  # +run+ blocks and yields each event delivered to this member with its
  # delivery attempt (1, then 2 for the first redelivery, ...), one at a time,
  # in delivery order (sequence order, except redeliveries). When the block
  # returns the event is acked: the group never delivers it again. When it
  # raises a StandardError the event is nacked: delivered again at once, to
  # any member, until the group's +max_delivery_attempts+ parks it as a dead
  # letter; the error goes to +on_error+ and +run+ goes on. Acks are batched:
  # those of the events handled within 50 ms, or of one batch the server
  # delivered, go in one message. +break+ acks that event and leaves the group
  # (as #close does, but the consumer may +run+ again). Any other exception
  # (Interrupt, SystemExit, ...) cancels the stream and propagates; the events
  # this member held go back to the group.
  #
  # After a server restart or a broken connection it waits (exponential
  # backoff with jitter) and joins again; the server delivers again whatever
  # was not acked. At least once: an event handled whose ack was not stored
  # when the connection broke is handled again.
  #
  # #close from another thread makes +run+ return soon: the block running
  # then finishes, the acks not yet sent are sent, the consumer waits up to
  # +drain_timeout+ for the server to confirm them, and leaves the group; the
  # events it held and had not handled go back to the group.
  #
  # Joins again after UNAVAILABLE (server down, restarting or shutting down;
  # broken connection), a CANCELLED that #close did not cause,
  # RESOURCE_EXHAUSTED (too many members or subscribers, which may free up)
  # and a stream the server ended without error. Raises every other status as
  # its GRPC::BadStatus subclass: INVALID_ARGUMENT (a bad group name, pattern
  # or setting), FAILED_PRECONDITION (the group exists with another filter or
  # setting; the message names the group's), PERMISSION_DENIED and
  # UNAUTHENTICATED (the token), ABORTED (the group was deleted: joining again
  # would create it anew) and UNIMPLEMENTED (a store without consumer groups).
  #
  # Flow control: the server delivers at most +max_unacked+ events this member
  # has not acked or nacked. They wait here while their ack deadline runs:
  # keep +max_unacked+ times the handling time below the group's ack deadline
  # (30 s by default), or they are delivered again meanwhile.
  #
  # Thread safety: +run+ on one thread at a time; #close, #handled, #acked and
  # #reconnects from any thread, also from inside the block.
  class Consumer
    include Reconnecting

    # The server's limit of sequences in one ack or nack message.
    MAX_SEQUENCES_PER_MESSAGE = 10_000
    # Seconds an ack may wait to go with later ones while events of its batch remain.
    ACK_INTERVAL = 0.05

    # +address+:: "HOST:PORT" of the switchboard gRPC server.
    # +group+:: the group's name: 1 to 128 letters, digits, '.', '_' or '-'.
    # +event_types+:: the group's filter, patterns as in
    #   SubscribeRequest.event_types ("call.completed", "call.*", "*"). Empty:
    #   the group's own when it exists, every type when this member creates it.
    #   Another filter than an existing group's raises GRPC::FailedPrecondition.
    # +after_sequence+, +from_oldest+:: where the group starts when this member
    #   creates it (ignored when it exists): after this sequence, or with the
    #   oldest retained event; neither: events stored from then on.
    # +ack_deadline+:: a group setting: seconds a member has to ack an event
    #   before it is delivered again (nil: 30 for a new group, the group's for
    #   an existing one).
    # +max_delivery_attempts+:: a group setting: deliveries of an event before
    #   it is parked as a dead letter (0: 5 for a new group, the group's).
    # +max_unacked+:: flow control: at most this many events delivered to this
    #   member and not yet acked or nacked (0: the server's 100).
    # +nack_on_error+:: true: an event whose block raised is given back at once
    #   (nack); false: it is left until its ack deadline passes.
    # +drain_timeout+:: seconds #close lets +run+ wait for the server to confirm
    #   the last acks before it leaves the group anyway.
    # +on_error+:: called with (error, delivery) when the block raises, on
    #   +run+'s thread; +delivery+ is the Switchboard::V1::GroupDelivery.
    #   Default: a warning on $stderr.
    # +on_joined+:: called with the Switchboard::V1::GroupJoined after each
    #   (re)join: this member's name, the group's filter and settings.
    # +on_ack_result+:: called with each Switchboard::V1::AckResult: its
    #   +acked+ sequences are stored and will not come back.
    # +token+, +tls+, +tls_ca_file+, +tls_cert_file+, +tls_key_file+,
    # +initial_backoff+, +max_backoff+, +multiplier+, +jitter+,
    # +connect_timeout+, +wait_for_server+, +on_retry+:: as for Subscription.new
    #   (RetryInfo#resume_after is always nil: the group keeps the position).
    def initialize(address, group:, event_types: [], after_sequence: nil, from_oldest: false,
                   ack_deadline: nil, max_delivery_attempts: 0, max_unacked: 0, nack_on_error: true,
                   drain_timeout: 2.0, on_error: nil, on_joined: nil, on_ack_result: nil, **connection)
      raise ArgumentError, "group must not be empty" if group.to_s.empty?
      raise ArgumentError, "give after_sequence or from_oldest, not both" if after_sequence && from_oldest
      raise ArgumentError, "ack_deadline must be positive" if ack_deadline && !ack_deadline.positive?
      raise ArgumentError, "drain_timeout must not be negative" if drain_timeout.negative?

      setup_connection(address, **connection)
      @join = V1::JoinGroup.new(group: group.to_s, event_types: event_types.to_a,
                                max_delivery_attempts: max_delivery_attempts, max_unacked: max_unacked)
      if after_sequence
        @join.after_sequence = after_sequence
      elsif from_oldest
        @join.from_oldest = true
      end
      @join.ack_deadline = duration(ack_deadline) if ack_deadline
      @nack_on_error = nack_on_error
      @drain_timeout = drain_timeout
      @on_error = on_error
      @on_joined = on_joined
      @on_ack_result = on_ack_result
      @handled = 0
      @acked = 0
    end

    # Joins the group and yields each delivery's event and attempt (see the
    # class comment) until #close (returns nil), +break+ (returns its value),
    # or a status that joining again cannot fix (raised).
    def run(&block)
      raise ArgumentError, "run needs a block" unless block

      exclusively("run") do
        reconnect_loop { stream(&block) }
      end
      nil
    end

    # Events the block returned from (acked or to be acked), over all streams.
    def handled
      @mutex.synchronize { @handled }
    end

    # Events whose ack the server confirmed as stored (AckResult#acked).
    def acked
      @mutex.synchronize { @acked }
    end

    # A queue whose +pop+ takes a timeout (Ruby 3.1's Queue has none) and
    # returns nil once closed and empty.
    class Mailbox
      def initialize
        @items = []
        @mutex = Mutex.new
        @cond = ConditionVariable.new
        @closed = false
      end

      # Adds +item+, unless closed.
      def <<(item)
        @mutex.synchronize do
          @items << item unless @closed
          @cond.signal
        end
        self
      end

      def close
        @mutex.synchronize do
          @closed = true
          @cond.broadcast
        end
      end

      def closed?
        @mutex.synchronize { @closed }
      end

      # The next item; nil when closed and empty, or after +timeout+ seconds
      # (nil: no limit).
      def pop(timeout = nil)
        deadline = timeout && (Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout)
        @mutex.synchronize do
          while @items.empty? && !@closed
            remaining = deadline && (deadline - Process.clock_gettime(Process::CLOCK_MONOTONIC))
            return nil if remaining && remaining <= 0

            @cond.wait(@mutex, remaining)
          end
          @items.shift
        end
      end

      # The next item if there is one, else nil; never waits.
      def poll
        @mutex.synchronize { @items.shift }
      end
    end
    private_constant :Mailbox

    # The requests of one call as gRPC's writer thread iterates them: it
    # half-closes when +each+ returns, which is once the mailbox is closed or
    # the call has its status (the server ended it).
    class Requests
      def initialize(mailbox)
        @mailbox = mailbox
        @operation = nil
      end

      attr_writer :operation

      def each
        loop do
          request = @mailbox.pop(0.2)
          if request
            yield request
          elsif @mailbox.closed? || @operation&.status
            return
          end
        end
      end
    end
    private_constant :Requests

    private

    # Reconnecting: a group keeps its own position.
    def resume_point
      nil
    end

    def retryable?(error, _handled)
      return true if error.nil?

      [Codes::UNAVAILABLE, Codes::CANCELLED, Codes::RESOURCE_EXHAUSTED].include?(error.code)
    end

    def duration(seconds)
      nanos = (seconds * 1_000_000_000).round
      Google::Protobuf::Duration.new(seconds: nanos / 1_000_000_000, nanos: nanos % 1_000_000_000)
    end

    # Runs one Consume call to its end: [error or nil, events handled, seconds].
    #
    # gRPC's threads only fill @inbox (a reader thread pushes the responses,
    # then [:end, error or nil]; #close pushes [:close]) and take requests from
    # @outbox; this thread does the rest: it calls the block and sends acks and
    # nacks. The reader thread also keeps this one free to run signal handlers.
    def stream(&block)
      start_stream
      requests = Requests.new(@outbox)
      operation = @stub.consume(requests, metadata: @metadata, return_op: true)
      requests.operation = operation
      # From here #close puts [:close] into the inbox; this thread then drains and leaves.
      return [nil, 0, 0] unless begin_call(-> { @inbox << [:close] })

      started = now
      @outbox << V1::ConsumeRequest.new(join: @join)
      reader = Thread.new(@inbox) { |inbox| read(operation, inbox) }
      outcome = :broke # unless the loop ends or an exception passes
      begin
        handle_until_ended(&block)
        outcome = :ended
        [@error, @handled_here, now - started]
      rescue Exception # rubocop:disable Lint/RescueException -- re-raised
        outcome = :raised
        raise
      ensure
        # +break+ out of the block: its event is acked; leave as #close does.
        drain if outcome == :broke && !@ended
        @outbox.close
        operation.cancel unless @ended
        @inbox.close
        reader.join
        end_call
      end
    end

    def start_stream
      @inbox = Mailbox.new
      @outbox = Mailbox.new
      @waiting = [] # deliveries not handled yet
      @acks = [] # sequences not sent yet
      @nacks = []
      @first_pending = nil # when the oldest of them was added
      @unanswered = 0 # ack and nack messages sent whose AckResult has not arrived
      @closing = false
      @drain_deadline = nil
      @ended = false
      @error = nil # how the call ended: nil (OK) or a GRPC::BadStatus
      @handled_here = 0
    end

    def handle_until_ended(&block)
      until @ended
        item = @inbox.poll
        if item
          accept(item)
        elsif @closing
          drain
          return
        elsif !@waiting.empty?
          handle_next(&block)
          flush if @waiting.empty? || now - @first_pending >= ACK_INTERVAL
        else
          flush
          accept(@inbox.pop)
        end
      end
    end

    # Sends what is pending, waits up to drain_timeout for its results,
    # half-closes (the server then ends the stream with OK and gives this
    # member's other events back) and waits for the end; the caller cancels
    # the call if it has not ended by the deadline.
    def drain
      @closing = true
      @waiting.clear # not handled: the server gives them back when this member leaves
      @drain_deadline ||= now + @drain_timeout
      flush
      accept(@inbox.pop(@drain_deadline - now)) while !@ended && @unanswered.positive? && now < @drain_deadline
      @outbox.close
      accept(@inbox.pop(@drain_deadline - now)) while !@ended && now < @drain_deadline
    end

    def accept(item)
      case item
      when nil then nil
      when V1::ConsumeResponse
        case item.kind
        when :joined then @on_joined&.call(item.joined)
        when :deliveries then @waiting.concat(item.deliveries.deliveries.to_a) unless @closing
        when :result
          @unanswered -= 1
          @mutex.synchronize { @acked += item.result.acked.size }
          @on_ack_result&.call(item.result)
        end
      else
        case item.first
        when :close then @closing = true
        when :end
          @ended = true
          @error = item.last
          # Not sent: lost with the stream; the server delivers those events again.
          @acks.clear
          @nacks.clear
        end
      end
    end

    def handle_next
      delivery = @waiting.shift
      sequence = delivery.event.sequence
      @first_pending ||= now
      outcome = :broke # unless the block returns or raises
      begin
        yield delivery.event, delivery.delivery_attempt
        outcome = :ok
      rescue StandardError => e
        outcome = :failed
        @nacks << sequence if @nack_on_error
        block_failed(e, delivery)
      rescue Exception # rubocop:disable Lint/RescueException -- re-raised
        outcome = :raised
        raise
      ensure
        # Returned, or broke out: handled.
        if %i[ok broke].include?(outcome)
          @acks << sequence
          @handled_here += 1
          @mutex.synchronize { @handled += 1 }
        end
      end
    end

    def block_failed(error, delivery)
      if @on_error
        @on_error.call(error, delivery)
      else
        warn "switchboard consumer: the block failed on event #{delivery.event.sequence} " \
             "(attempt #{delivery.delivery_attempt}), #{@nack_on_error ? 'nacked' : 'left to its ack deadline'}: " \
             "#{error.class}: #{error.message}"
      end
    end

    def flush
      send_sequences(@acks, :ack, V1::AckEvents)
      send_sequences(@nacks, :nack, V1::NackEvents)
      @first_pending = nil
    end

    def send_sequences(sequences, kind, type)
      sequences.each_slice(MAX_SEQUENCES_PER_MESSAGE) do |slice|
        @outbox << V1::ConsumeRequest.new(kind => type.new(sequences: slice))
        @unanswered += 1
      end
      sequences.clear
    end

    # On the reader thread: the call's responses, then how it ended.
    def read(operation, inbox)
      Thread.current.report_on_exception = false
      error =
        begin
          operation.execute.each { |response| inbox << response }
          nil
        rescue GRPC::BadStatus => e
          e
        rescue StandardError => e # anything unexpected: raised to the caller
          GRPC::Unknown.new("#{e.class}: #{e.message}")
        end
      inbox << [:end, error]
    end
  end
end
