package io.fhirpipe.runtime.servicebus.implementation;

import java.util.function.Consumer;

/**
 * What the connector needs from Service Bus, and nothing more: one connection per service, a sender
 * per entity and a processor per subscription. {@link SdkServiceBusTransport} maps it onto
 * azure-messaging-servicebus; the connector's tests drive every path through a fake.
 */
public interface ServiceBusTransport extends AutoCloseable {

    /** A sender to a topic or queue, on the shared connection; the same one for the same entity. */
    TransportSender sender(String entity);

    /**
     * A processor for one subscription, not started. {@code onMessage} runs on the processor's own
     * threads, up to {@link ProcessorSettings#maxConcurrentCalls()} at once; the message's lock is
     * renewed while it runs, and the message must be settled before it returns.
     */
    TransportProcessor processor(
            ProcessorSettings settings, Consumer<ReceivedDelivery> onMessage, Consumer<TransportError> onError);

    /** Closes every sender and processor made here, and with them the connection. */
    @Override
    void close();
}
