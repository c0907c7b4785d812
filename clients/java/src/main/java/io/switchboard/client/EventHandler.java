package io.switchboard.client;

import switchboard.v1.EventOuterClass.Event;

/**
 * Processes one event of a {@link Subscription}. Called on the thread that runs {@link
 * Subscription#run}, one event at a time, in sequence order.
 *
 * <p>It declares no checked exception, so a Java lambda or a Kotlin lambda ({@code
 * subscription.run { event -> ... }}) needs no wrapper. A {@link RuntimeException} (or {@link
 * Error}) thrown here stops the subscription: {@code run} cancels the stream and rethrows it, and
 * the event does not count as delivered ({@link Subscription#lastSequence()} stays at the
 * previous one, so a new subscription resuming from there gets this event again).
 */
@FunctionalInterface
public interface EventHandler {
  void handle(Event event);
}
