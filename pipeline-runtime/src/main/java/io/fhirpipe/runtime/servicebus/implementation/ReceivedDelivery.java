package io.fhirpipe.runtime.servicebus.implementation;

import java.time.Instant;
import java.util.Map;

/**
 * One message handed to a processor callback, and its settlement. The settlement calls block until
 * Service Bus has answered and throw when it refused (a lost lock, a closed link).
 */
public interface ReceivedDelivery {

    String messageId();

    /** The body as bytes, whatever AMQP body section the sender used. */
    byte[] body();

    String contentType();

    String subject();

    String correlationId();

    Map<String, Object> applicationProperties();

    /** How many times Service Bus delivered this message before, from 0 (the AMQP header's count). */
    long deliveryCount();

    long sequenceNumber();

    Instant enqueuedTime();

    void complete();

    void abandon();

    void deadLetter(String reason, String description);
}
