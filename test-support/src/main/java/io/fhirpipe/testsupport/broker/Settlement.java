package io.fhirpipe.testsupport.broker;

/** How a received message is settled: the AMQP 1.0 outcomes a consumer can choose. */
public enum Settlement {
    /** Done: the broker removes the message. */
    ACCEPT,
    /** Not processed, no fault of the message: back to the queue, the delivery count does not grow. */
    RELEASE,
    /**
     * {@code modified(deliveryFailed=true, undeliverableHere=false)}: a transient failure. The
     * broker redelivers with a growing delivery count and dead-letters after max-delivery-attempts;
     * what the Quarkus AMQP connector's {@code failure-strategy=modified-failed} sends.
     */
    MODIFIED_FAILED,
    /** {@code modified(deliveryFailed=true, undeliverableHere=true)}. */
    MODIFIED_FAILED_UNDELIVERABLE_HERE,
    /** A permanent failure: Artemis moves the message to the dead-letter address at once. */
    REJECT
}
