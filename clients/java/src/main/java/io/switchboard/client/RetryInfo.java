package io.switchboard.client;

import io.grpc.Status;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Why a {@link Subscription} or a {@link Consumer} is about to reconnect, given to the listener set
 * with {@link Subscription.Builder#onRetry} or {@link Consumer.Builder#onRetry}. Immutable.
 */
public final class RetryInfo {
  private final Status cause;
  private final int attempt;
  private final Duration delay;
  private final OptionalLong resumeAfter;

  RetryInfo(Status cause, int attempt, Duration delay, OptionalLong resumeAfter) {
    this.cause = cause;
    this.attempt = attempt;
    this.delay = delay;
    this.resumeAfter = resumeAfter;
  }

  /**
   * What ended the previous attempt: the stream's status ({@code UNAVAILABLE} when the server shut
   * down or the connection broke) or a failed connection attempt ({@code UNAVAILABLE}, "cannot
   * connect to ...").
   */
  public Status cause() {
    return cause;
  }

  /** 1 for the first attempt after a stream that worked, then 2, 3, ... */
  public int attempt() {
    return attempt;
  }

  /** How long it waits before the attempt. */
  public Duration delay() {
    return delay;
  }

  /**
   * The sequence a subscription resumes after; empty before its first event (it then resubscribes
   * from its start, see {@link Start#live()}), and always for a consumer (the group keeps the
   * position).
   */
  public OptionalLong resumeAfter() {
    return resumeAfter;
  }

  @Override
  public String toString() {
    return "attempt " + attempt + " in " + delay.toMillis() + " ms after " + cause.getCode()
        + (cause.getDescription() != null ? " (" + cause.getDescription() + ")" : "")
        + (resumeAfter.isPresent()
            ? ", resuming after " + Long.toUnsignedString(resumeAfter.getAsLong())
            : "");
  }
}
