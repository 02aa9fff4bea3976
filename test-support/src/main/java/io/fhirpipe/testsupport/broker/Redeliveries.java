package io.fhirpipe.testsupport.broker;

import io.fhirpipe.model.topology.Topology;
import io.smallrye.reactive.messaging.amqp.IncomingAmqpMetadata;
import io.vertx.amqp.impl.AmqpMessageImpl;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * An incoming message as the AMQP connector hands it to a consumer on a later delivery: the body,
 * and an AMQP header saying how many deliveries failed before. Lets a test hand a consumer its
 * subscription's last delivery without making the broker redeliver ten times. How it was settled
 * is written to {@code settled} ("ack" or "nack").
 */
public final class Redeliveries {

    private Redeliveries() {}

    /** The subscription's max delivery count in the standard topology. */
    public static int maxDeliveries(String topic, String subscription) {
        return Topology.standard().subscription(topic, subscription).maxDeliveryCount();
    }

    /** The last delivery the broker makes before dead-lettering: every one before it failed. */
    public static Message<Object> lastDelivery(String topic, String subscription, String body, List<String> settled) {
        return delivery(body, maxDeliveries(topic, subscription) - 1, settled);
    }

    public static Message<Object> delivery(String body, int failedBefore, List<String> settled) {
        org.apache.qpid.proton.message.Message proton = org.apache.qpid.proton.message.Message.Factory.create();
        proton.setDeliveryCount(failedBefore);
        proton.setMessageId("redelivery-" + failedBefore);
        return Message.<Object>of(
                body,
                Metadata.of(new IncomingAmqpMetadata(new AmqpMessageImpl(proton))),
                () -> {
                    settled.add("ack");
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    settled.add("nack");
                    return CompletableFuture.completedFuture(null);
                });
    }
}
