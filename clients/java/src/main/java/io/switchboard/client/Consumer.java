package io.switchboard.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import switchboard.v1.ConsumerGroup.AckEvents;
import switchboard.v1.ConsumerGroup.AckResult;
import switchboard.v1.ConsumerGroup.ConsumeRequest;
import switchboard.v1.ConsumerGroup.ConsumeResponse;
import switchboard.v1.ConsumerGroup.GroupDelivery;
import switchboard.v1.ConsumerGroup.GroupJoined;
import switchboard.v1.ConsumerGroup.JoinGroup;
import switchboard.v1.ConsumerGroup.NackEvents;
import switchboard.v1.EventStreamGrpc;

/**
 * A member of a consumer group ({@code switchboard.v1.EventStream/Consume}) that survives
 * reconnects: every replica of a service runs one with the same group name, and each event
 * matching the group's filter goes to one of them. When the handler returns the event is acked
 * (never delivered to the group again); when it throws, the event is nacked (delivered again at
 * once, to any member, with the next attempt number) and the consumer goes on. After a server
 * restart or a broken connection it waits (exponential backoff with jitter) and joins again; the
 * server delivers again whatever was not acked. At least once: an event handled but whose ack was
 * not stored when the connection broke is handled again.
 *
 * <pre>{@code
 * try (Consumer consumer = Consumer.newBuilder("127.0.0.1:50051", "billing")
 *     .eventTypes("call.completed")
 *     .start(Start.oldest())  // where the group starts if this member creates it
 *     .maxUnacked(50)
 *     .build()) {
 *   consumer.run((event, attempt) -> charge(event.getCallCompleted().getCall()));
 * }
 * }</pre>
 *
 * <p>{@link #run} blocks and calls the handler on its own thread, one event at a time, in delivery
 * order (sequence order, except redeliveries). Acks are batched: those of the events handled
 * within 50 ms, or of a whole batch the server delivered, go in one message. {@link #close()} from
 * any other thread (a shutdown hook, say) makes {@link #run} return soon: the handler running then
 * finishes, its ack and the others not yet sent are sent, the consumer waits up to {@link
 * Builder#drainTimeout} for the server to confirm them, and leaves the group; the events it held
 * and had not handled go back to the group.
 *
 * <p>Joins again, with backoff, after {@code UNAVAILABLE} (server down, restarting or shutting
 * down; broken connection), a {@code CANCELLED} that {@link #close()} did not cause, {@code
 * RESOURCE_EXHAUSTED} (too many members or subscribers, which may free up) and a stream the server
 * ended without error. Every other status is thrown by {@link #run} as a {@link
 * StatusRuntimeException}: {@code INVALID_ARGUMENT} (a bad group name, pattern or setting), {@code
 * FAILED_PRECONDITION} (the group exists with another filter or setting; the message names the
 * group's), {@code PERMISSION_DENIED} and {@code UNAUTHENTICATED} (the token), {@code ABORTED} (the
 * group was deleted: joining again would create it anew) and {@code UNIMPLEMENTED} (a store without
 * consumer groups).
 *
 * <p>Flow control: the server delivers at most {@link Builder#maxUnacked} events this member has
 * not acked or nacked. They wait here while their ack deadline runs: keep {@code maxUnacked} times
 * the handling time below the group's ack deadline (30 s by default), or they are delivered again
 * meanwhile (to other members too).
 *
 * <p>Thread safety: {@link #run} on one thread at a time; {@link #close()}, {@link #handled()},
 * {@link #acked()} and {@link #reconnects()} from any thread, also from inside the handler.
 */
public final class Consumer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Consumer.class.getName());
  /** The server's limit of sequences in one ack or nack message. */
  private static final int MAX_SEQUENCES_PER_MESSAGE = 10000;
  /** How long an ack may wait to go with later ones while events of its batch remain. */
  private static final long ACK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /**
   * Creates a builder for a member of {@code group} (1 to 128 letters, digits, '.', '_' or '-') on
   * the server at {@code address} ("HOST:PORT").
   */
  public static Builder newBuilder(String address, String group) {
    return new Builder(address, group);
  }

  private final JoinGroup join;
  private final boolean nackOnError;
  private final Duration drainTimeout;
  private final java.util.function.Consumer<RetryInfo> onRetry;
  private final java.util.function.Consumer<GroupJoined> onJoined;
  private final java.util.function.Consumer<AckResult> onAckResult;
  private final BiConsumer<GroupDelivery, Exception> onHandlerError;
  private final Connection connection;
  private final EventStreamGrpc.EventStreamStub stub;

  // Used by run()'s thread only.
  private boolean connectedOnce;
  private boolean interrupted; // run()'s thread was interrupted: restore its status on return

  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicInteger reconnects = new AtomicInteger();

  private Consumer(Builder b) {
    this.join = b.join.build();
    this.nackOnError = b.nackOnError;
    this.drainTimeout = b.drainTimeout;
    this.onRetry = b.onRetry;
    this.onJoined = b.onJoined;
    this.onAckResult = b.onAckResult;
    this.onHandlerError = b.onHandlerError;
    this.connection = new Connection(b.settings);
    this.stub = connection.withToken(EventStreamGrpc.newStub(connection.channel()));
  }

  /**
   * Joins the group and hands its deliveries to {@code handler} until {@link #close()} (then
   * returns normally), a status that joining again cannot fix (thrown as a {@link
   * StatusRuntimeException} with the server's code and message, see the class comment), or an
   * {@link Error} from the handler (rethrown). Blocks the calling thread; interrupting it closes the
   * consumer (and the interrupt status stays set).
   *
   * <p>The first connection: by default, a server that cannot be reached at the first attempt is
   * {@code UNAVAILABLE} at once ("cannot connect to ADDRESS"), so a wrong address is reported
   * instead of retried forever; {@link Builder#waitForServer} retries it too.
   *
   * <p>May be called again after it threw (not after {@link #close()}).
   *
   * @throws StatusRuntimeException a status that is not retried
   * @throws IllegalStateException another thread is running it
   */
  public void run(DeliveryHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (!connection.beginRun()) {
      throw new IllegalStateException("run() is already running on another thread");
    }
    try {
      runLoop(handler);
    } finally {
      connection.endRun();
      if (interrupted) {
        interrupted = false;
        Thread.currentThread().interrupt();
      }
    }
  }

  private void runLoop(DeliveryHandler handler) {
    int failures = 0; // consecutive attempts that got nothing done
    Status retryCause = null;
    while (true) {
      if (retryCause != null) {
        Duration delay = connection.backoffDelay(failures);
        if (onRetry != null) {
          onRetry.accept(new RetryInfo(retryCause, failures + 1, delay, OptionalLong.empty()));
        }
        if (!connection.sleepUnlessClosed(delay)) return;
        reconnects.incrementAndGet();
        retryCause = null;
      }

      Status connected = connection.waitForConnection();
      if (connection.isClosed()) return;
      if (!connected.isOk()) {
        if (!connectedOnce && !connection.waitForServer()) {
          throw connection.firstConnectionFailed(connected);
        }
        retryCause = connected;
        failures++;
        continue;
      }
      connectedOnce = true;

      Attempt attempt = new Stream().run(handler);
      if (connection.isClosed()) return;
      if (!isRetryable(attempt.status.getCode())) throw attempt.error;
      // A stream that handled events, or lived longer than the longest delay, worked: the next
      // break starts the backoff over.
      if (attempt.handled > 0 || attempt.lasted.compareTo(connection.maxBackoff()) >= 0) {
        failures = 0;
      } else {
        failures++;
      }
      retryCause =
          attempt.status.isOk()
              ? Status.UNAVAILABLE.withDescription("the server ended the stream")
              : attempt.status;
    }
  }

  static boolean isRetryable(Status.Code code) {
    switch (code) {
      case OK:
      case UNAVAILABLE:
      case CANCELLED: // close() was checked before: the server or the network cut the stream
      case RESOURCE_EXHAUSTED:
        return true;
      default:
        return false;
    }
  }

  /**
   * Makes {@link #run} return soon (see the class comment: the handler running finishes and the
   * acks not yet sent are sent first, for at most {@link Builder#drainTimeout}) and releases the
   * channel. Does not wait. Safe from any thread, any number of times, before or during {@link
   * #run}, also from inside the handler; the consumer stays closed.
   */
  @Override
  public void close() {
    connection.close();
  }

  /** Events the handler returned from (acks sent or to be sent), over all streams. */
  public long handled() {
    return handled.get();
  }

  /** Events whose ack the server confirmed as stored ({@code AckResult.acked}). */
  public long acked() {
    return acked.get();
  }

  /** How many times the group was joined again after a break. */
  public int reconnects() {
    return reconnects.get();
  }

  /** How one Consume stream ended. */
  private static final class Attempt {
    final Status status;
    final StatusRuntimeException error;
    final int handled; // events the handler returned from
    final Duration lasted;

    Attempt(StatusRuntimeException error, int handled, Duration lasted) {
      this.status = error.getStatus();
      this.error = error;
      this.handled = handled;
      this.lasted = lasted;
    }
  }

  /** The last item of a stream's inbox: how the call ended. */
  private static final class End {
    final StatusRuntimeException error; // status OK when the server ended it without error

    End(StatusRuntimeException error) {
      this.error = error;
    }
  }

  /** The inbox item close() adds. */
  private static final Object CLOSE = new Object();

  /**
   * One Consume call. gRPC's threads only add what arrives to the inbox; run()'s thread takes it
   * from there, calls the handler and writes the requests (a StreamObserver is not thread-safe).
   */
  private final class Stream implements ClientResponseObserver<ConsumeRequest, ConsumeResponse> {
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private ClientCallStreamObserver<ConsumeRequest> requests;

    // run()'s thread only.
    private final ArrayDeque<GroupDelivery> waiting = new ArrayDeque<>(); // not handled yet
    private final List<Long> acks = new ArrayList<>(); // not sent yet
    private final List<Long> nacks = new ArrayList<>();
    private long firstPending; // System.nanoTime() when the oldest of them was added
    private int unanswered; // ack and nack messages sent whose AckResult has not arrived
    private boolean closing;
    private boolean halfClosed;
    private long drainDeadline;
    private StatusRuntimeException end; // how the call ended; null while it runs
    private int handledHere;

    // ClientResponseObserver<ConsumeRequest, ConsumeResponse>
    @Override
    public void beforeStart(ClientCallStreamObserver<ConsumeRequest> requests) {
      this.requests = requests;
    }

    @Override
    public void onNext(ConsumeResponse response) {
      inbox.add(response);
    }

    @Override
    public void onError(Throwable t) {
      inbox.add(
          new End(
              t instanceof StatusRuntimeException
                  ? (StatusRuntimeException) t
                  : Status.fromThrowable(t).asRuntimeException(Status.trailersFromThrowable(t))));
    }

    @Override
    public void onCompleted() {
      inbox.add(new End(Status.OK.asRuntimeException()));
    }

    /** Runs the call to its end; an Error of the handler propagates (the call is cancelled). */
    Attempt run(DeliveryHandler handler) {
      long started = System.nanoTime();
      // From here close() puts CLOSE into the inbox, and this thread drains and leaves.
      if (!connection.beginCall(() -> inbox.add(CLOSE))) {
        return new Attempt(Status.CANCELLED.asRuntimeException(), 0, Duration.ZERO);
      }
      try {
        stub.consume(this);
        requests.onNext(ConsumeRequest.newBuilder().setJoin(join).build());
        while (end == null) {
          Object item = inbox.poll();
          if (item != null) {
            accept(item);
          } else if (!closing && !waiting.isEmpty()) {
            handleNext(handler);
            if (waiting.isEmpty() || System.nanoTime() - firstPending >= ACK_INTERVAL_NANOS) {
              flush();
            }
          } else {
            flush();
            if (!closing) {
              accept(take(-1));
              continue;
            }
            // Closing: the acks sent are confirmed (or the drain timed out), then half-close:
            // the server ends the stream with OK and gives this member's other events back.
            long remaining = drainDeadline - System.nanoTime();
            if (!halfClosed && (unanswered == 0 || remaining <= 0)) {
              requests.onCompleted();
              halfClosed = true;
            }
            if (remaining <= 0) break; // the finally cancels the call
            accept(take(remaining));
          }
        }
      } finally {
        if (end == null && requests != null) requests.cancel("consumer closed", null);
        connection.endCall();
      }
      StatusRuntimeException error =
          end != null ? end : Status.CANCELLED.withDescription("consumer closed").asRuntimeException();
      return new Attempt(error, handledHere, Duration.ofNanos(System.nanoTime() - started));
    }

    /** The next inbox item; null when {@code timeoutNanos} (-1: none) passed or interrupted. */
    private Object take(long timeoutNanos) {
      try {
        return timeoutNanos < 0 ? inbox.take() : inbox.poll(timeoutNanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
        connection.close(); // adds CLOSE
        return null;
      }
    }

    private void accept(Object item) {
      if (item == null) return;
      if (item == CLOSE) {
        if (!closing) {
          closing = true;
          waiting.clear(); // not handled: the server gives them back when this member leaves
          drainDeadline = System.nanoTime() + drainTimeout.toNanos();
        }
      } else if (item instanceof End) {
        end = ((End) item).error;
        // Not sent: lost with the stream, and the server delivers those events again.
        acks.clear();
        nacks.clear();
      } else {
        ConsumeResponse response = (ConsumeResponse) item;
        switch (response.getKindCase()) {
          case JOINED:
            if (onJoined != null) onJoined.accept(response.getJoined());
            break;
          case DELIVERIES:
            if (!closing) waiting.addAll(response.getDeliveries().getDeliveriesList());
            break;
          case RESULT:
            unanswered--;
            acked.addAndGet(response.getResult().getAckedCount());
            if (onAckResult != null) onAckResult.accept(response.getResult());
            break;
          default:
            break;
        }
      }
    }

    private void handleNext(DeliveryHandler handler) {
      GroupDelivery delivery = waiting.poll();
      long sequence = delivery.getEvent().getSequence();
      if (acks.isEmpty() && nacks.isEmpty()) firstPending = System.nanoTime();
      try {
        handler.handle(delivery.getEvent(), delivery.getDeliveryAttempt());
        acks.add(sequence);
        handledHere++;
        handled.incrementAndGet();
      } catch (Exception e) {
        if (nackOnError) nacks.add(sequence);
        reportHandlerError(delivery, e);
      }
      // An interrupt of run()'s thread (while the handler ran, or by it) closes.
      if (Thread.interrupted()) {
        interrupted = true;
        connection.close();
      }
    }

    private void reportHandlerError(GroupDelivery delivery, Exception e) {
      if (onHandlerError != null) {
        onHandlerError.accept(delivery, e);
      } else {
        LOG.log(
            Level.WARNING,
            "switchboard consumer: the handler failed on event "
                + Long.toUnsignedString(delivery.getEvent().getSequence())
                + " (attempt " + delivery.getDeliveryAttempt() + "); "
                + (nackOnError ? "nacked" : "left to its ack deadline"),
            e);
      }
    }

    /** Sends the acks and nacks not sent yet. */
    private void flush() {
      send(acks, true);
      send(nacks, false);
    }

    private void send(List<Long> sequences, boolean ack) {
      for (int i = 0; i < sequences.size(); i += MAX_SEQUENCES_PER_MESSAGE) {
        List<Long> chunk =
            sequences.subList(i, Math.min(sequences.size(), i + MAX_SEQUENCES_PER_MESSAGE));
        ConsumeRequest.Builder request = ConsumeRequest.newBuilder();
        if (ack) {
          request.setAck(AckEvents.newBuilder().addAllSequences(chunk));
        } else {
          request.setNack(NackEvents.newBuilder().addAllSequences(chunk));
        }
        requests.onNext(request.build());
        unanswered++;
      }
      sequences.clear();
    }
  }

  /** Options of a {@link Consumer}; {@link #build()} validates them and creates the channel. */
  public static final class Builder {
    private final Connection.Settings settings;
    private final JoinGroup.Builder join = JoinGroup.newBuilder();
    private boolean nackOnError = true;
    private Duration drainTimeout = Duration.ofSeconds(2);
    private java.util.function.Consumer<RetryInfo> onRetry;
    private java.util.function.Consumer<GroupJoined> onJoined;
    private java.util.function.Consumer<AckResult> onAckResult;
    private BiConsumer<GroupDelivery, Exception> onHandlerError;

    private Builder(String address, String group) {
      this.settings = new Connection.Settings(address);
      join.setGroup(Objects.requireNonNull(group, "group"));
    }

    /**
     * The group's filter, patterns as in {@code SubscribeRequest.event_types}: an exact type
     * ("call.completed"), a prefix ("call.*") or "*". None: the group's own when it exists, every
     * type when this member creates it. Another filter than an existing group's fails with {@code
     * FAILED_PRECONDITION}; a malformed pattern with {@code INVALID_ARGUMENT}.
     */
    public Builder eventTypes(String... patterns) {
      return eventTypes(Arrays.asList(patterns));
    }

    /** As {@link #eventTypes(String...)}. */
    public Builder eventTypes(List<String> patterns) {
      join.clearEventTypes().addAllEventTypes(patterns);
      return this;
    }

    /**
     * Where the group starts when this member creates it; ignored when it exists (it goes on
     * from what it acked). Default {@link Start#live()}: events stored from then on.
     */
    public Builder start(Start start) {
      Objects.requireNonNull(start, "start");
      switch (start.kind) {
        case AFTER_SEQUENCE:
          join.setAfterSequence(start.sequence);
          break;
        case OLDEST:
          join.setFromOldest(true);
          break;
        default:
          join.clearStart();
          break;
      }
      return this;
    }

    /**
     * A group setting: how long a member has to ack an event before it is delivered again (1 s
     * to 1 h). Unset: 30 s for a new group, the group's for an existing one; another value than
     * an existing group's fails with {@code FAILED_PRECONDITION}.
     */
    public Builder ackDeadline(Duration deadline) {
      if (deadline.isNegative() || deadline.isZero()) {
        throw new IllegalArgumentException("ackDeadline must be positive");
      }
      join.setAckDeadline(
          com.google.protobuf.Duration.newBuilder()
              .setSeconds(deadline.getSeconds())
              .setNanos(deadline.getNano()));
      return this;
    }

    /**
     * A group setting: deliveries of one event before it is parked as a dead letter (1 to 1000).
     * 0 (default): 5 for a new group, the group's for an existing one; another value than an
     * existing group's fails with {@code FAILED_PRECONDITION}.
     */
    public Builder maxDeliveryAttempts(int attempts) {
      if (attempts < 0) throw new IllegalArgumentException("maxDeliveryAttempts must be >= 0");
      join.setMaxDeliveryAttempts(attempts);
      return this;
    }

    /**
     * Flow control: at most this many events delivered to this member and not yet acked or
     * nacked (1 to 10000; 0, the default: the server's 100).
     */
    public Builder maxUnacked(int max) {
      if (max < 0) throw new IllegalArgumentException("maxUnacked must be >= 0");
      join.setMaxUnacked(max);
      return this;
    }

    /**
     * true (default): an event whose handler threw is nacked, delivered again at once (counting
     * as an attempt). false: it is left until its ack deadline passes.
     */
    public Builder nackOnError(boolean nack) {
      this.nackOnError = nack;
      return this;
    }

    /**
     * Called on {@link Consumer#run}'s thread with the delivery and the exception when the
     * handler throws (default: a warning on the {@code java.util.logging} logger {@code
     * io.switchboard.client.Consumer}). An exception it throws ends {@link Consumer#run}.
     */
    public Builder onHandlerError(BiConsumer<GroupDelivery, Exception> listener) {
      this.onHandlerError = listener;
      return this;
    }

    /**
     * How long {@link Consumer#close()} lets {@link Consumer#run} wait for the server to confirm
     * the last acks before it leaves the group anyway (default 2 s; events whose ack was not
     * confirmed may be delivered again).
     */
    public Builder drainTimeout(Duration timeout) {
      if (timeout.isNegative()) throw new IllegalArgumentException("drainTimeout must be >= 0");
      this.drainTimeout = timeout;
      return this;
    }

    /**
     * Delay before the n-th consecutive rejoin attempt (n = 0, 1, ...): d = min(max, initial *
     * multiplier^n), drawn uniformly from [d * (1 - jitter), d] so that many members do not
     * reconnect in step. Defaults: 100 ms, 10 s, 2, 0.5.
     */
    public Builder backoff(Duration initial, Duration max, double multiplier, double jitter) {
      settings.backoff(initial, max, multiplier, jitter);
      return this;
    }

    /** How long one connection attempt may take before it counts as failed (default 5 s). */
    public Builder connectTimeout(Duration timeout) {
      settings.connectTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * false (default): if the very first connection fails, {@link Consumer#run} throws {@code
     * UNAVAILABLE} at once. true: retry it with backoff like any later connection loss.
     */
    public Builder waitForServer(boolean wait) {
      settings.waitForServer = wait;
      return this;
    }

    /**
     * Called on {@link Consumer#run}'s thread before each rejoin (after the delay is chosen,
     * before waiting it), e.g. to log it; it must not block for long. {@link
     * RetryInfo#resumeAfter()} is empty: the group keeps the position.
     */
    public Builder onRetry(java.util.function.Consumer<RetryInfo> listener) {
      this.onRetry = listener;
      return this;
    }

    /**
     * Called on {@link Consumer#run}'s thread after each (re)join with the group's answer: this
     * member's name, the group's filter and settings, whether this join created it.
     */
    public Builder onJoined(java.util.function.Consumer<GroupJoined> listener) {
      this.onJoined = listener;
      return this;
    }

    /**
     * Called on {@link Consumer#run}'s thread with what the server made of each ack or nack
     * message: {@code acked} sequences are stored and will not come back; {@code rejected} ones
     * (e.g. delivered to another member after their deadline) were not applied.
     */
    public Builder onAckResult(java.util.function.Consumer<AckResult> listener) {
      this.onAckResult = listener;
      return this;
    }

    /** TLS, verifying the server with the JDK's trusted certificate authorities. */
    public Builder tls() {
      settings.tls = true;
      return this;
    }

    /** TLS, verifying the server with the CA certificates in this PEM file. */
    public Builder tlsCaFile(Path caFile) {
      settings.tlsCaFile(caFile);
      return this;
    }

    /**
     * TLS with a client certificate (for a server started with {@code --grpc_tls_client_ca}):
     * the PEM certificate chain and its unencrypted PKCS#8 PEM private key ("BEGIN PRIVATE KEY").
     */
    public Builder tlsClientCertificate(Path certChain, Path privateKey) {
      settings.tlsClientCertificate(certChain, privateKey);
      return this;
    }

    /**
     * Sends {@code authorization: Bearer TOKEN} on every call (a token of the server's {@code
     * --grpc_token_file}; its grant must cover the group's filter).
     */
    public Builder bearerToken(String token) {
      settings.bearerToken = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * Creates the consumer and its channel (connecting lazily: nothing is sent before {@link
     * Consumer#run}).
     *
     * @throws IllegalArgumentException an empty group name, a bad backoff or timeout, or TLS
     *     files that cannot be used
     * @throws IllegalStateException TLS asked for, and the transport cannot do it
     * @throws UncheckedIOException a TLS file cannot be read
     */
    public Consumer build() {
      if (join.getGroup().isEmpty()) throw new IllegalArgumentException("the group name is empty");
      return new Consumer(this);
    }
  }
}
