package io.fhirpipe.runtime.servicebus;

import io.fhirpipe.model.topology.ServiceBusEmulatorConfig;
import io.fhirpipe.model.topology.SubscriptionDefinition;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.failure.RetryBackoff;
import io.fhirpipe.runtime.servicebus.implementation.ProcessorSettings;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One incoming channel: the subscription it receives ({@code address =
 * <topic>/Subscriptions/<subscription>}, as {@link ServiceBusEmulatorConfig#subscriptionAddress}),
 * how, and how a failed message is retried.
 *
 * @param maxDeliveryCount the subscription's limit in {@link Topology#standard()}, which the
 *                         connector enforces across re-scheduled copies (Service Bus counts each copy anew)
 */
record InboundSettings(String channel, ProcessorSettings processor, RetryBackoff backoff, int maxDeliveryCount) {

    static final String ADDRESS = "address";
    static final String PREFETCH = "prefetch";
    static final String MAX_CONCURRENT_CALLS = "max-concurrent-calls";
    static final String MAX_AUTO_LOCK_RENEW = "max-auto-lock-renew-duration";
    static final String RETRY_MIN_DELAY = "retry-min-delay";
    static final String RETRY_MAX_DELAY = "retry-max-delay";

    /** A chunk load or a file transfer can take many minutes; the lock is renewed that long at most. */
    static final Duration DEFAULT_MAX_AUTO_LOCK_RENEW = Duration.ofMinutes(30);
    /**
     * With the topology's 10 deliveries these spread the retries of a message over roughly 10-20
     * minutes (full jitter), so a paused warehouse or a throttled FHIR server has time to come back.
     */
    static final Duration DEFAULT_RETRY_MIN_DELAY = Duration.ofSeconds(10);

    static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofMinutes(5);

    private static final Pattern SUBSCRIPTION_ADDRESS = Pattern.compile("([^/]+)/(?i:subscriptions)/([^/]+)");

    String topic() {
        return processor.topic();
    }

    String subscription() {
        return processor.subscription();
    }

    static InboundSettings from(ChannelAttributes attributes, Topology topology) {
        String address = attributes.required(ADDRESS);
        Matcher m = SUBSCRIPTION_ADDRESS.matcher(address);
        if (!m.matches()) {
            throw new IllegalStateException("channel " + attributes.channel() + ": address '" + address
                    + "' is not <topic>/Subscriptions/<subscription>");
        }
        String topic = m.group(1);
        String subscription = m.group(2);
        SubscriptionDefinition definition;
        try {
            definition = topology.subscription(topic, subscription);
        } catch (NoSuchElementException e) {
            throw new IllegalStateException("channel " + attributes.channel() + ": " + e.getMessage(), e);
        }
        ProcessorSettings processor = new ProcessorSettings(
                topic,
                subscription,
                attributes.integer(PREFETCH, 0),
                attributes.integer(MAX_CONCURRENT_CALLS, 1),
                attributes.duration(MAX_AUTO_LOCK_RENEW, DEFAULT_MAX_AUTO_LOCK_RENEW));
        RetryBackoff backoff;
        try {
            backoff = new RetryBackoff(
                    attributes.duration(RETRY_MIN_DELAY, DEFAULT_RETRY_MIN_DELAY),
                    attributes.duration(RETRY_MAX_DELAY, DEFAULT_RETRY_MAX_DELAY));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "channel " + attributes.channel() + ": " + RETRY_MIN_DELAY + " / " + RETRY_MAX_DELAY + ": "
                            + e.getMessage(),
                    e);
        }
        return new InboundSettings(attributes.channel(), processor, backoff, definition.maxDeliveryCount());
    }
}
