package io.fhirpipe.testsupport.broker;

import io.fhirpipe.model.topology.SubscriptionDefinition;
import io.fhirpipe.model.topology.TopicDefinition;
import io.fhirpipe.model.topology.Topology;
import java.util.List;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * Writes a {@link Topology} into an Artemis configuration before the broker starts: per topic a
 * MULTICAST address with one durable queue per subscription (named by {@link ArtemisNames}),
 * address settings that mirror the Service Bus subscription's delivery limits, and an ANYCAST
 * dead-letter address with its queue.
 *
 * <p>Addresses and queues go into the configuration rather than being created through the server
 * API so that a persistent broker restarted on the same data directory takes them over instead
 * of failing on queues that already exist.
 */
final class ArtemisTopology {

    /**
     * Service Bus has no back-off between deliveries; Artemis does. Doubling from the
     * subscription's redelivery delay up to its maximum keeps a failing message from spinning
     * while still retrying quickly at first.
     */
    public static final double REDELIVERY_MULTIPLIER = 2.0;

    /**
     * Where messages go that exceed their delivery attempts on an address without a dead-letter
     * address of its own, the topic dead-letter queues included; without it Artemis drops them
     * and warns about every such queue at start-up.
     */
    public static final String FALLBACK_DEAD_LETTER = "dead-letter";
    /** Where expired messages go (nothing in fhirpipe sets a time-to-live; this keeps Artemis quiet). */
    public static final String EXPIRED = "expired";

    private ArtemisTopology() {}

    /**
     * Adds the addresses, queues and address settings of {@code topology} to {@code configuration}.
     *
     * @param autoCreateAddresses whether the broker may create addresses and queues that are not in
     *                            the topology when a client names them; when false, a misspelt
     *                            address fails at once, as an unknown topic does on Service Bus
     */
    public static void configure(Topology topology, Configuration configuration, boolean autoCreateAddresses) {
        configuration.addAddressConfiguration(anycast(FALLBACK_DEAD_LETTER));
        configuration.addAddressConfiguration(anycast(EXPIRED));
        // Every address inherits these; the per-topic settings below override what they set.
        configuration.addAddressSetting(
                "#",
                new AddressSettings()
                        .setDeadLetterAddress(SimpleString.of(FALLBACK_DEAD_LETTER))
                        .setExpiryAddress(SimpleString.of(EXPIRED))
                        .setAutoCreateAddresses(autoCreateAddresses)
                        .setAutoCreateQueues(autoCreateAddresses)
                        .setAutoCreateDeadLetterResources(false)
                        .setAutoCreateExpiryResources(false));
        for (TopicDefinition topic : topology.topics()) {
            requirePlainName(topic.name());
            configuration.addAddressConfiguration(topicAddress(topic));
            configuration.addAddressConfiguration(anycast(ArtemisNames.deadLetterQueue(topic.name())));
            configuration.addAddressSetting(topic.name(), deliverySettings(topic));
        }
    }

    private static CoreAddressConfiguration topicAddress(TopicDefinition topic) {
        CoreAddressConfiguration address =
                new CoreAddressConfiguration().setName(topic.name()).addRoutingType(RoutingType.MULTICAST);
        for (SubscriptionDefinition subscription : topic.subscriptions()) {
            requirePlainName(subscription.name());
            address.addQueueConfig(QueueConfiguration.of(topic.subscriptionQueue(subscription.name()))
                    .setAddress(topic.name())
                    .setRoutingType(RoutingType.MULTICAST)
                    .setDurable(true));
        }
        return address;
    }

    private static CoreAddressConfiguration anycast(String name) {
        return new CoreAddressConfiguration()
                .setName(name)
                .addRoutingType(RoutingType.ANYCAST)
                .addQueueConfig(QueueConfiguration.of(name)
                        .setAddress(name)
                        .setRoutingType(RoutingType.ANYCAST)
                        .setDurable(true));
    }

    /**
     * Artemis applies address settings per address, so every subscription of one topic shares
     * them; a topology whose subscriptions of one topic disagree cannot be reproduced faithfully
     * and is refused rather than approximated.
     */
    static AddressSettings deliverySettings(TopicDefinition topic) {
        AddressSettings settings = new AddressSettings()
                .setDeadLetterAddress(SimpleString.of(ArtemisNames.deadLetterQueue(topic.name())))
                .setAutoCreateDeadLetterResources(false)
                .setRedeliveryMultiplier(REDELIVERY_MULTIPLIER);
        List<SubscriptionDefinition> subscriptions = topic.subscriptions();
        if (subscriptions.isEmpty()) {
            return settings;
        }
        SubscriptionDefinition first = subscriptions.get(0);
        for (SubscriptionDefinition other : subscriptions) {
            if (other.maxDeliveryCount() != first.maxDeliveryCount()
                    || !other.redeliveryDelay().equals(first.redeliveryDelay())
                    || !other.maxRedeliveryDelay().equals(first.maxRedeliveryDelay())) {
                throw new IllegalArgumentException("subscriptions '" + first.name() + "' and '" + other.name()
                        + "' of topic '" + topic.name() + "' have different delivery limits; Artemis applies"
                        + " them per address, so they must agree");
            }
        }
        return settings.setMaxDeliveryAttempts(first.maxDeliveryCount())
                .setRedeliveryDelay(first.redeliveryDelay().toMillis())
                .setMaxRedeliveryDelay(first.maxRedeliveryDelay().toMillis());
    }

    /**
     * Address-setting matches treat {@code #} and {@code *} as wildcards and {@code ::} separates
     * address from queue, so names containing them would silently configure other addresses.
     */
    private static void requirePlainName(String name) {
        if (name.isEmpty() || name.contains("#") || name.contains("*") || name.contains(ArtemisNames.FQQN_SEPARATOR)) {
            throw new IllegalArgumentException("'" + name + "' cannot be an Artemis topic or subscription name:"
                    + " it is empty or contains '#', '*' or '::'");
        }
    }
}
