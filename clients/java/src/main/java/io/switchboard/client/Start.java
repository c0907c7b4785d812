package io.switchboard.client;

/**
 * Where a {@link Subscription} starts (after the first event it always resumes after the last
 * event delivered, whatever the start), or where a consumer group starts when a {@link Consumer}
 * creates it (the {@code JoinGroup} start; ignored for an existing group). Immutable.
 */
public final class Start {
  enum Kind {
    LIVE,
    AFTER_SEQUENCE,
    OLDEST
  }

  private static final Start LIVE = new Start(Kind.LIVE, 0);
  private static final Start OLDEST = new Start(Kind.OLDEST, 0);

  final Kind kind;
  final long sequence;

  private Start(Kind kind, long sequence) {
    this.kind = kind;
    this.sequence = sequence;
  }

  /**
   * Only events stored after it first subscribed (the default). If the stream breaks before the
   * first event, a subscription resubscribes with {@code received_since} set to that moment (this
   * machine's clock), so events stored during the outage are still delivered. A new group starts
   * with the events stored after the server created it.
   */
  public static Start live() {
    return LIVE;
  }

  /**
   * Resume after {@code sequence}: the last one you processed (an unsigned 64-bit value; 0 = the
   * oldest retained event). A sequence older than retention or newer than the newest stored event
   * fails with {@code OUT_OF_RANGE}.
   */
  public static Start afterSequence(long sequence) {
    return new Start(Kind.AFTER_SEQUENCE, sequence);
  }

  /** The oldest retained event first, then live ({@code from_oldest}). */
  public static Start oldest() {
    return OLDEST;
  }

  @Override
  public String toString() {
    switch (kind) {
      case AFTER_SEQUENCE:
        return "afterSequence(" + Long.toUnsignedString(sequence) + ")";
      case OLDEST:
        return "oldest()";
      default:
        return "live()";
    }
  }
}
