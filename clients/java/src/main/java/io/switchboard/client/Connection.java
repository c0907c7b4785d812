package io.switchboard.client;

import io.grpc.ChannelCredentials;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelRegistry;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What {@link Subscription} and {@link Consumer} share (not public API): the channel (TLS,
 * keepalive), the bearer token, waiting for a connection, the reconnect backoff, and closing: of
 * the call in progress, of the wait before the next one, and of the channel.
 *
 * <p>Thread safety: {@link #close()}, {@link #isClosed()} and {@link #beginRun()} from any thread;
 * the rest from the thread running the stream (the one that called {@link #beginRun()}).
 */
final class Connection {
  /** The connection options both builders collect; {@link Connection#Connection} checks them. */
  static final class Settings {
    final String address;
    Duration initialBackoff = Duration.ofMillis(100);
    Duration maxBackoff = Duration.ofSeconds(10);
    double multiplier = 2.0;
    double jitter = 0.5;
    Duration connectTimeout = Duration.ofSeconds(5);
    boolean waitForServer;
    boolean tls;
    Path tlsCaFile;
    Path tlsCertChain;
    Path tlsPrivateKey;
    String bearerToken;

    Settings(String address) {
      this.address = Objects.requireNonNull(address, "address");
    }

    void backoff(Duration initial, Duration max, double multiplier, double jitter) {
      this.initialBackoff = Objects.requireNonNull(initial, "initial");
      this.maxBackoff = Objects.requireNonNull(max, "max");
      this.multiplier = multiplier;
      this.jitter = jitter;
    }

    void tlsCaFile(Path caFile) {
      this.tls = true;
      this.tlsCaFile = Objects.requireNonNull(caFile, "caFile");
    }

    void tlsClientCertificate(Path certChain, Path privateKey) {
      this.tls = true;
      this.tlsCertChain = Objects.requireNonNull(certChain, "certChain");
      this.tlsPrivateKey = Objects.requireNonNull(privateKey, "privateKey");
    }
  }

  private final String address;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double multiplier;
  private final double jitter;
  private final Duration connectTimeout;
  private final boolean waitForServer;
  private final Metadata headers; // null: no token
  private final ManagedChannel channel;

  // Guards the fields below; waits (backoff, connection) are on it, close() and channel state
  // changes notify it.
  private final Object lock = new Object();
  private boolean closed;
  private boolean running; // between beginRun() and endRun(), which then shuts the channel down
  private Runnable cancelCall; // ends the call in progress
  private long stateChanges;

  /**
   * Checks the settings and creates the channel (connecting lazily).
   *
   * @throws IllegalArgumentException bad backoff or timeout, or TLS files that cannot be used
   * @throws IllegalStateException TLS asked for, and the transport cannot do it
   * @throws UncheckedIOException a TLS file cannot be read
   */
  Connection(Settings s) {
    if (s.initialBackoff.isNegative()
        || s.initialBackoff.isZero()
        || s.maxBackoff.compareTo(s.initialBackoff) < 0
        || !(s.multiplier >= 1.0)
        || !(s.jitter >= 0.0 && s.jitter <= 1.0)) {
      throw new IllegalArgumentException(
          "bad backoff: need 0 < initial <= max, multiplier >= 1 and jitter in [0, 1]");
    }
    if (s.connectTimeout.isNegative() || s.connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be positive");
    }
    this.address = s.address;
    this.initialBackoff = s.initialBackoff;
    this.maxBackoff = s.maxBackoff;
    this.multiplier = s.multiplier;
    this.jitter = s.jitter;
    this.connectTimeout = s.connectTimeout;
    this.waitForServer = s.waitForServer;
    if (s.bearerToken == null) {
      this.headers = null;
    } else {
      this.headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
          "Bearer " + s.bearerToken);
    }
    this.channel = newChannel(s);
  }

  private static ManagedChannel newChannel(Settings s) {
    try {
      return Grpc.newChannelBuilder(s.address, credentials(s))
          // Notice a dead connection (half-open TCP after a network failure) on a quiet stream
          // within about 40 s. The server accepts pings every 10 s.
          .keepAliveTime(30, TimeUnit.SECONDS)
          .keepAliveTimeout(10, TimeUnit.SECONDS)
          // Events are as large as the server accepted them; trust it.
          .maxInboundMessageSize(Integer.MAX_VALUE)
          .build();
    } catch (ManagedChannelRegistry.ProviderNotFoundException e) {
      // Also how a transport reports credentials it cannot use (a malformed key, say).
      throw new IllegalArgumentException(
          "cannot create a channel to " + s.address + ": " + e.getMessage()
              + " (is a gRPC transport such as grpc-netty-shaded on the classpath? are the TLS"
              + " files PEM, the key PKCS#8?)",
          e);
    } catch (UnsupportedOperationException e) {
      // Netty without ALPN for the JDK's TLS (Debian's libnetty-java) and without netty-tcnative.
      throw new IllegalStateException(
          "TLS needs ALPN, which this Netty cannot do (" + e.getMessage() + "): use"
              + " grpc-netty-shaded, or load netty-tcnative (clients/java/README.md, \"TLS with"
              + " Debian's jars\")",
          e);
    }
  }

  private static ChannelCredentials credentials(Settings s) {
    if (!s.tls) return InsecureChannelCredentials.create();
    TlsChannelCredentials.Builder credentials = TlsChannelCredentials.newBuilder();
    try {
      if (s.tlsCaFile != null) credentials.trustManager(s.tlsCaFile.toFile());
      if (s.tlsCertChain != null) {
        credentials.keyManager(s.tlsCertChain.toFile(), s.tlsPrivateKey.toFile());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a TLS file: " + e.getMessage(), e);
    }
    return credentials.build();
  }

  ManagedChannel channel() {
    return channel;
  }

  /** {@code stub}, sending the bearer token (if any) on every call. */
  <S extends AbstractStub<S>> S withToken(S stub) {
    return headers == null
        ? stub
        : stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  String address() {
    return address;
  }

  Duration maxBackoff() {
    return maxBackoff;
  }

  boolean waitForServer() {
    return waitForServer;
  }

  /** Marks a run under way; false when one already is. */
  boolean beginRun() {
    synchronized (lock) {
      if (running) return false;
      running = true;
      return true;
    }
  }

  /** Ends the run; shuts the channel down if closed meanwhile. */
  void endRun() {
    boolean shutdown;
    synchronized (lock) {
      running = false;
      shutdown = closed;
    }
    if (shutdown) channel.shutdownNow();
  }

  /**
   * Makes {@code cancel} what {@link #close()} runs (once) to end the call in progress; false,
   * and nothing to do, when already closed. {@link #endCall()} when the call has finished.
   */
  boolean beginCall(Runnable cancel) {
    synchronized (lock) {
      if (closed) return false;
      cancelCall = cancel;
      return true;
    }
  }

  void endCall() {
    synchronized (lock) {
      cancelCall = null;
    }
  }

  /**
   * Closes: ends the call in progress (its cancel hook) or the wait before the next one, and shuts
   * the channel down (at once without a run under way, else when it ends). Any thread, any number
   * of times.
   */
  void close() {
    Runnable cancel;
    boolean shutdown;
    synchronized (lock) {
      cancel = closed ? null : cancelCall;
      closed = true;
      shutdown = !running;
      lock.notifyAll();
    }
    if (cancel != null) cancel.run();
    if (shutdown) channel.shutdownNow();
  }

  boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /**
   * Waits until the channel is connected: OK, CANCELLED (closed), or UNAVAILABLE when a connection
   * attempt failed or took {@code connectTimeout}.
   */
  Status waitForConnection() {
    long deadline = System.nanoTime() + connectTimeout.toNanos();
    ConnectivityState state = channel.getState(true);
    if (state == ConnectivityState.TRANSIENT_FAILURE) {
      // Failed before, and the channel waits out its own backoff (1 s, growing to 2 min) before
      // trying again; ours has just been waited, so try now.
      channel.resetConnectBackoff();
      state = channel.getState(true);
    }
    // Only a failure after a change observed here is this attempt's.
    boolean changed = false;
    while (state != ConnectivityState.READY) {
      if (state == ConnectivityState.SHUTDOWN
          || (state == ConnectivityState.TRANSIENT_FAILURE && changed)) {
        return cannotConnect("connection failed");
      }
      long seen;
      synchronized (lock) {
        if (closed) return Status.CANCELLED;
        seen = stateChanges;
      }
      channel.notifyWhenStateChanged(state, this::onStateChanged);
      synchronized (lock) {
        long remaining;
        while (stateChanges == seen && !closed && (remaining = deadline - System.nanoTime()) > 0) {
          if (!waitOnLock(remaining)) return Status.CANCELLED;
        }
        if (closed) return Status.CANCELLED;
        if (stateChanges == seen) {
          return cannotConnect(
              state == ConnectivityState.TRANSIENT_FAILURE
                  ? "connection failed"
                  : "no connection within " + connectTimeout.toMillis() + " ms");
        }
      }
      changed = true;
      state = channel.getState(true);
    }
    return Status.OK;
  }

  private Status cannotConnect(String why) {
    return Status.UNAVAILABLE.withDescription("cannot connect to " + address + " (" + why + ")");
  }

  /** The UNAVAILABLE thrown when the first connection fails and waitForServer is off. */
  RuntimeException firstConnectionFailed(Status connected) {
    return connected
        .withDescription(
            connected.getDescription()
                + ": is switchboard running there? Check the address, or set"
                + " waitForServer(true) to keep trying")
        .asRuntimeException();
  }

  private void onStateChanged() {
    synchronized (lock) {
      stateChanges++;
      lock.notifyAll();
    }
  }

  /**
   * The delay before the n-th consecutive reconnect attempt (n = {@code failures} = 0, 1, ...):
   * d = min(max, initial * multiplier^n), drawn uniformly from [d * (1 - jitter), d].
   */
  Duration backoffDelay(int failures) {
    double grown = initialBackoff.toNanos() * Math.pow(multiplier, Math.min(failures, 64));
    double cap = Math.min(grown, maxBackoff.toNanos());
    double fraction = 1.0 - jitter * ThreadLocalRandom.current().nextDouble();
    return Duration.ofNanos((long) (cap * fraction));
  }

  /** Sleeps {@code delay} unless closed first; false when closed. */
  boolean sleepUnlessClosed(Duration delay) {
    long deadline = System.nanoTime() + delay.toNanos();
    synchronized (lock) {
      long remaining;
      while (!closed && (remaining = deadline - System.nanoTime()) > 0) {
        if (!waitOnLock(remaining)) return false;
      }
      return !closed;
    }
  }

  /**
   * Waits on {@code lock} (held) up to {@code nanos}; an interrupt closes (the interrupt status
   * stays set): false.
   */
  private boolean waitOnLock(long nanos) {
    try {
      TimeUnit.NANOSECONDS.timedWait(lock, nanos);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
      return false;
    }
  }
}
