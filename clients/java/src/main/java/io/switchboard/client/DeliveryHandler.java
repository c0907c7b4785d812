package io.switchboard.client;

import switchboard.v1.EventOuterClass.Event;

/**
 * Handles one event delivered to a {@link Consumer}. Called on the thread that runs {@link
 * Consumer#run}, one event at a time, in delivery order.
 *
 * <p>Returning acks the event: the group never delivers it again. Throwing an {@link Exception}
 * (checked ones too, as Kotlin code may) nacks it: the group delivers it again at once, to this
 * member or another, with the next attempt number, until the group's {@code
 * max_delivery_attempts} parks it as a dead letter. The consumer reports the exception (see {@link
 * Consumer.Builder#onHandlerError}) and goes on with the next event. An {@link Error} is not
 * caught: it ends {@link Consumer#run}, and the events this member held go back to the group.
 *
 * <p>It declares no checked exception, so a Java lambda or a Kotlin lambda ({@code consumer.run {
 * event, attempt -> ... }}) needs no wrapper.
 */
@FunctionalInterface
public interface DeliveryHandler {
  /**
   * @param event the stored event
   * @param deliveryAttempt 1 for its first delivery to the group, 2 for the first redelivery, ...
   */
  void handle(Event event, int deliveryAttempt);
}
