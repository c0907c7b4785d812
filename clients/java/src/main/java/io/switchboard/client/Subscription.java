package io.switchboard.client;

import com.google.protobuf.Timestamp;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import switchboard.v1.EventOuterClass.Event;
import switchboard.v1.EventStreamGrpc;
import switchboard.v1.EventStreamOuterClass.SubscribeRequest;

/**
 * A {@code switchboard.v1.EventStream/Subscribe} stream that survives reconnects: after a server
 * restart or a broken connection it waits (exponential backoff with jitter) and subscribes again
 * with {@code after_sequence} set to the last event the handler accepted, so nothing is lost and
 * nothing is delivered twice.
 *
 * <pre>{@code
 * try (Subscription subscription = Subscription.newBuilder("127.0.0.1:50051")
 *     .eventTypes("call.*", "sms.received")
 *     .start(Start.afterSequence(0))  // from the oldest retained event
 *     .build()) {
 *   subscription.run(event -> System.out.println(event.getSequence() + " " + event.getType()));
 * }
 * }</pre>
 *
 * <p>{@link #run} blocks and calls the handler on its own thread; {@link #close()} from any other
 * thread (a shutdown hook, say) makes it return promptly.
 *
 * <p>Reconnects, with backoff, after: {@code UNAVAILABLE} (server down, restarting or shutting
 * down; broken connection), {@code ABORTED}, a {@code CANCELLED} that {@link #close()} did not
 * cause, a stream the server ended without error, and {@code RESOURCE_EXHAUSTED} before the stream
 * delivered anything (a limit on subscribers). Every other status is thrown by {@link #run} as a
 * {@link StatusRuntimeException}: {@code INVALID_ARGUMENT} (bad pattern), {@code OUT_OF_RANGE}
 * (resume point out of retention, or log reset), {@code UNAUTHENTICATED}, {@code
 * PERMISSION_DENIED}, and {@code RESOURCE_EXHAUSTED} after events were delivered: this subscriber
 * read so slowly that unread events left retention, and resuming from the oldest retained one
 * would skip them silently, so that is the caller's decision (the message names the sequence to
 * resume after).
 *
 * <p>Thread safety: {@link #run} on one thread at a time; {@link #close()}, {@link
 * #lastSequence()} and {@link #reconnects()} from any thread, also from inside the handler.
 */
public final class Subscription implements AutoCloseable {
  /** Creates a builder for a subscription to the server at {@code address} ("HOST:PORT"). */
  public static Builder newBuilder(String address) {
    return new Builder(address);
  }

  private final List<String> eventTypes;
  private final Start start;
  private final java.util.function.Consumer<RetryInfo> onRetry;
  private final Connection connection;
  private final EventStreamGrpc.EventStreamBlockingStub stub;

  // Used by run()'s thread only.
  private boolean connectedOnce;
  private Instant liveSince; // when a live start first subscribed

  // Guards the fields below.
  private final Object lock = new Object();
  private Long lastSequence; // null: none yet
  private int reconnects;

  private Subscription(Builder b) {
    this.eventTypes = new ArrayList<>(b.eventTypes);
    this.start = b.start;
    this.onRetry = b.onRetry;
    this.connection = new Connection(b.settings);
    this.stub = connection.withToken(EventStreamGrpc.newBlockingStub(connection.channel()));
    if (start.kind == Start.Kind.AFTER_SEQUENCE) lastSequence = start.sequence;
  }

  /**
   * Streams events to {@code handler} until {@link #close()} (then returns normally), the handler
   * throws (rethrown as is, after cancelling the stream), or the server answers with a status that
   * reconnecting cannot fix (thrown as a {@link StatusRuntimeException} with the server's code and
   * message). Blocks the calling thread; interrupting it closes the subscription.
   *
   * <p>The first connection: by default, a server that cannot be reached at the first attempt is
   * {@code UNAVAILABLE} at once ("cannot connect to ADDRESS"), so a wrong address is reported
   * instead of retried forever; {@link Builder#waitForServer} retries it too.
   *
   * <p>May be called again after it threw (not after {@link #close()}): it resumes after {@link
   * #lastSequence()}.
   *
   * @throws StatusRuntimeException a status that is not retried (see the class comment)
   * @throws IllegalStateException another thread is running it
   */
  public void run(EventHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (!connection.beginRun()) {
      throw new IllegalStateException("run() is already running on another thread");
    }
    try {
      runLoop(handler);
    } finally {
      connection.endRun();
    }
  }

  private void runLoop(EventHandler handler) {
    int failures = 0; // consecutive attempts that got nothing done
    Status retryCause = null;
    while (true) {
      if (retryCause != null) {
        Duration delay = connection.backoffDelay(failures);
        if (onRetry != null) {
          onRetry.accept(new RetryInfo(retryCause, failures + 1, delay, lastSequence()));
        }
        if (!connection.sleepUnlessClosed(delay)) return;
        synchronized (lock) {
          reconnects++;
        }
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

      Attempt attempt = stream(handler);
      if (Thread.currentThread().isInterrupted()) close();
      if (connection.isClosed()) return;
      if (!isRetryable(attempt.status.getCode(), attempt.delivered)) throw attempt.error;
      // A stream that delivered, or lived longer than the longest delay, worked: the next break
      // starts the backoff over.
      if (attempt.delivered > 0 || attempt.lasted.compareTo(connection.maxBackoff()) >= 0) {
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

  static boolean isRetryable(Status.Code code, int delivered) {
    switch (code) {
      case OK:
      case UNAVAILABLE:
      case ABORTED:
      case CANCELLED: // close() was checked before: the server or the network cut the stream
        return true;
      case RESOURCE_EXHAUSTED:
        return delivered == 0;
      default:
        return false;
    }
  }

  /**
   * Makes {@link #run} return promptly (it cancels the call in progress or the wait before a
   * reconnect) and releases the channel. Safe from any thread, any number of times, before or
   * during {@link #run}; the subscription stays closed.
   */
  @Override
  public void close() {
    connection.close();
  }

  /**
   * The sequence of the last event the handler accepted (returned from without throwing), or the
   * start's {@code afterSequence}; empty before the first event of a live or oldest start.
   * Sequences are unsigned 64-bit values ({@link Long#toUnsignedString}).
   */
  public OptionalLong lastSequence() {
    synchronized (lock) {
      return lastSequence == null ? OptionalLong.empty() : OptionalLong.of(lastSequence);
    }
  }

  /** How many times the stream was opened again after a break. */
  public int reconnects() {
    synchronized (lock) {
      return reconnects;
    }
  }

  /** How one Subscribe call ended. */
  private static final class Attempt {
    final Status status;
    final StatusRuntimeException error; // null when the stream ended with OK
    final int delivered; // events the handler accepted
    final Duration lasted;

    Attempt(StatusRuntimeException error, int delivered, Duration lasted) {
      this.status = error == null ? Status.OK : error.getStatus();
      this.error = error;
      this.delivered = delivered;
      this.lasted = lasted;
    }
  }

  /** Runs one Subscribe call to its end; a handler's exception propagates. */
  private Attempt stream(EventHandler handler) {
    SubscribeRequest request = nextRequest();
    Context.CancellableContext context = Context.current().withCancellation();
    // From here close() cancels this call.
    if (!connection.beginCall(() -> context.cancel(null))) return new Attempt(null, 0, Duration.ZERO);
    long started = System.nanoTime();
    int delivered = 0;
    StatusRuntimeException error = null;
    Context previous = context.attach(); // the call is bound to the context current at its start
    try {
      Iterator<Event> events = stub.subscribe(request);
      while (true) {
        Event event;
        try {
          if (!events.hasNext()) break;
          event = events.next();
        } catch (StatusRuntimeException e) {
          error = e;
          break;
        }
        try {
          handler.handle(event);
        } catch (Throwable t) {
          context.cancel(t);
          throw t;
        }
        delivered++;
        synchronized (lock) {
          lastSequence = event.getSequence();
        }
      }
    } finally {
      context.detach(previous);
      context.cancel(null);
      connection.endCall();
    }
    return new Attempt(error, delivered, Duration.ofNanos(System.nanoTime() - started));
  }

  private SubscribeRequest nextRequest() {
    SubscribeRequest.Builder request = SubscribeRequest.newBuilder().addAllEventTypes(eventTypes);
    OptionalLong last = lastSequence();
    if (last.isPresent()) return request.setAfterSequence(last.getAsLong()).build();
    if (start.kind == Start.Kind.OLDEST) return request.setFromOldest(true).build();
    // Live: after a break before the first event, resume from when it first subscribed.
    if (liveSince == null) {
      liveSince = Instant.now();
    } else {
      request.setReceivedSince(
          Timestamp.newBuilder()
              .setSeconds(liveSince.getEpochSecond())
              .setNanos(liveSince.getNano()));
    }
    return request.build();
  }

  /** Options of a {@link Subscription}; {@link #build()} validates them and creates the channel. */
  public static final class Builder {
    private final Connection.Settings settings;
    private List<String> eventTypes = new ArrayList<>();
    private Start start = Start.live();
    private java.util.function.Consumer<RetryInfo> onRetry;

    private Builder(String address) {
      this.settings = new Connection.Settings(address);
    }

    /**
     * Patterns as in {@code SubscribeRequest.event_types}: an exact type ("call.completed"), a
     * prefix ("call.*") or "*". None: every type. The server checks them: a malformed one fails
     * with {@code INVALID_ARGUMENT}.
     */
    public Builder eventTypes(String... patterns) {
      return eventTypes(Arrays.asList(patterns));
    }

    /** As {@link #eventTypes(String...)}. */
    public Builder eventTypes(List<String> patterns) {
      this.eventTypes = new ArrayList<>(patterns);
      return this;
    }

    /** Where to start (default {@link Start#live()}). */
    public Builder start(Start start) {
      this.start = Objects.requireNonNull(start, "start");
      return this;
    }

    /**
     * Delay before the n-th consecutive reconnect attempt (n = 0, 1, ...): d = min(max, initial *
     * multiplier^n), drawn uniformly from [d * (1 - jitter), d] so that many subscribers do not
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
     * false (default): if the very first connection fails, {@link Subscription#run} throws {@code
     * UNAVAILABLE} at once. true: retry it with backoff like any later connection loss (for
     * services that may start before the server).
     */
    public Builder waitForServer(boolean wait) {
      settings.waitForServer = wait;
      return this;
    }

    /**
     * Called on {@link Subscription#run}'s thread before each reconnect (after the delay is chosen,
     * before waiting it), e.g. to log it; it must not block for long.
     */
    public Builder onRetry(java.util.function.Consumer<RetryInfo> listener) {
      this.onRetry = listener;
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
     * the PEM certificate chain and its unencrypted PKCS#8 PEM private key ("BEGIN PRIVATE KEY";
     * convert an "RSA PRIVATE KEY" with {@code openssl pkcs8 -topk8 -nocrypt}).
     */
    public Builder tlsClientCertificate(Path certChain, Path privateKey) {
      settings.tlsClientCertificate(certChain, privateKey);
      return this;
    }

    /**
     * Sends {@code authorization: Bearer TOKEN} on every call (a token of the server's {@code
     * --grpc_token_file}).
     */
    public Builder bearerToken(String token) {
      settings.bearerToken = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * Creates the subscription and its channel (connecting lazily: nothing is sent before {@link
     * Subscription#run}).
     *
     * @throws IllegalArgumentException bad backoff or timeout, or TLS files that cannot be used
     * @throws IllegalStateException TLS asked for, and the transport cannot do it
     * @throws UncheckedIOException a TLS file cannot be read
     */
    public Subscription build() {
      return new Subscription(this);
    }
  }
}
