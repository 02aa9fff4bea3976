package io.fhirpipe.exporttrigger.deadletters;

import io.fhirpipe.exporttrigger.deadletters.DeadLetterEntities.Entity;
import io.fhirpipe.exporttrigger.deadletters.DeadLetterEntities.Locked;
import io.fhirpipe.exporttrigger.deadletters.DeadLetterEntities.Stored;
import io.fhirpipe.model.topology.SubscriptionDefinition;
import io.fhirpipe.model.topology.TopicDefinition;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.messaging.MessageProperties;
import io.fhirpipe.runtime.servicebus.implementation.OutgoingServiceBusMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Dead letters on Service Bus. A subscription dead-letters natively (reason, description, delivery count
 * and enqueued time kept) into its dead-letter queue; fhirpipe's deployments (deploy/azure/topology.json,
 * the emulator's Config.json) forward those to the queue {@code <topic>.dead-letter}, where Service Bus
 * names the subscription in {@code DeadLetterSource}. Both places are read, so a subscription set up
 * without forwarding works too.
 *
 * <p>A replay goes to the topic with {@code fhirpipe-retry-for = <subscription>}: every subscription's
 * rule ({@code SubscriptionDefinition.routingFilter}) lets such a message through only to the subscription
 * it names, and the connector completes it unprocessed anywhere else. Its message id is new, so duplicate
 * detection does not drop it. Service Bus cannot receive one chosen message, so a replay or a purge locks
 * messages in order until it has its own; those it passes over are abandoned, which adds one to their
 * delivery count (the forward queue dead-letters a message into its own dead-letter queue after
 * {@value Topology#DEFAULT_MAX_DELIVERY_COUNT}).
 */
final class ServiceBusDeadLetters implements DeadLetters {

    private static final int PAGE = 250;
    private static final Duration RECEIVE_WAIT = Duration.ofSeconds(5);

    private final DeadLetterEntities entities;
    private final Topology topology;
    private final Clock clock;

    ServiceBusDeadLetters(DeadLetterEntities entities, Topology topology, Clock clock) {
        this.entities = entities;
        this.topology = topology;
        this.clock = clock;
    }

    @Override
    public List<DeadLetterCount> counts() {
        List<DeadLetterCount> counts = new ArrayList<>();
        for (TopicDefinition topic : topology.topics()) {
            if (topic.subscriptions().isEmpty()) {
                continue;
            }
            Map<String, Long> forwarded = new LinkedHashMap<>();
            for (Stored m : peekAll(Entity.forwardQueue(topic.name()), ArtemisDeadLetters.MAX_SCAN)) {
                String from = subscriptionOf(topic.name(), m.source());
                if (from != null) {
                    forwarded.merge(from, 1L, Long::sum);
                }
            }
            for (SubscriptionDefinition s : topic.subscriptions()) {
                long own = peekAll(new Entity(topic.name(), s.name()), ArtemisDeadLetters.MAX_SCAN)
                        .size();
                counts.add(new DeadLetterCount(topic.name(), s.name(), own + forwarded.getOrDefault(s.name(), 0L)));
            }
        }
        return counts;
    }

    @Override
    public List<DeadLetter> peek(String topic, String subscription, int max) {
        List<DeadLetter> found = new ArrayList<>();
        for (Entity entity : entities(topic, subscription)) {
            for (Stored m : peekAll(entity, max - found.size())) {
                if (belongs(entity, subscription, m)) {
                    found.add(view(m));
                }
            }
        }
        return found.size() > max ? found.subList(0, max) : found;
    }

    @Override
    public Optional<Replayed> replay(String topic, String subscription, String messageId, String editedBody) {
        for (Entity entity : entities(topic, subscription)) {
            List<Stored> waiting = peekAll(entity, ArtemisDeadLetters.MAX_SCAN);
            int position = -1;
            for (int i = 0; i < waiting.size() && position < 0; i++) {
                if (belongs(entity, subscription, waiting.get(i)) && messageId.equals(idOf(waiting.get(i)))) {
                    position = i;
                }
            }
            if (position < 0) {
                continue;
            }
            long sequenceNumber = waiting.get(position).sequenceNumber();
            List<Locked> done = take(entity, m -> m.sequenceNumber() == sequenceNumber, 1, position + 1);
            if (done.isEmpty()) {
                continue; // someone else took it meanwhile
            }
            Locked locked = done.get(0);
            Stored m = locked.message();
            String replayId = DeadLetter.replayId(messageId, clock.instant());
            byte[] body = editedBody != null ? editedBody.getBytes(StandardCharsets.UTF_8) : m.body();
            entities.send(
                    topic,
                    new OutgoingServiceBusMessage(
                            replayId,
                            body,
                            m.contentType() != null ? m.contentType() : MessageProperties.CONTENT_TYPE,
                            m.subject(),
                            m.correlationId(),
                            DeadLetter.replayProperties(m.applicationProperties(), messageId, subscription)));
            locked.complete();
            return Optional.of(new Replayed(topic, subscription, messageId, replayId, editedBody != null));
        }
        return Optional.empty();
    }

    @Override
    public int purge(String topic, String subscription) {
        int purged = 0;
        for (Entity entity : entities(topic, subscription)) {
            Set<Long> mine = new HashSet<>();
            int upTo = 0;
            List<Stored> waiting = peekAll(entity, ArtemisDeadLetters.MAX_SCAN);
            for (int i = 0; i < waiting.size(); i++) {
                if (belongs(entity, subscription, waiting.get(i))) {
                    mine.add(waiting.get(i).sequenceNumber());
                    upTo = i + 1;
                }
            }
            if (mine.isEmpty()) {
                continue;
            }
            for (Locked locked : take(entity, m -> mine.contains(m.sequenceNumber()), mine.size(), upTo)) {
                locked.complete();
                purged++;
            }
        }
        return purged;
    }

    /**
     * Locks messages in order until {@code wanted} of them match, {@code upTo} were locked (where the peek saw
     * the last one wanted) or none is left; abandons the others once done (holding their locks until then, so
     * none comes round twice) and returns the matching ones, locked.
     */
    private List<Locked> take(Entity entity, Predicate<Stored> matches, int wanted, int upTo) {
        List<Locked> taken = new ArrayList<>();
        List<Locked> passed = new ArrayList<>();
        try {
            int received = 0;
            while (taken.size() < wanted && received < upTo) {
                List<Locked> batch = entities.receive(entity, Math.min(PAGE, upTo - received), RECEIVE_WAIT);
                if (batch.isEmpty()) {
                    break;
                }
                received += batch.size();
                for (Locked l : batch) {
                    (matches.test(l.message()) && taken.size() < wanted ? taken : passed).add(l);
                }
            }
        } finally {
            passed.forEach(Locked::abandon);
        }
        return taken;
    }

    private List<Entity> entities(String topic, String subscription) {
        return List.of(new Entity(topic, subscription), Entity.forwardQueue(topic));
    }

    private List<Stored> peekAll(Entity entity, int max) {
        List<Stored> all = new ArrayList<>();
        long from = 0;
        while (all.size() < max) {
            List<Stored> page = entities.peek(entity, from, Math.min(PAGE, max - all.size()));
            if (page.isEmpty()) {
                break;
            }
            all.addAll(page);
            from = page.get(page.size() - 1).sequenceNumber() + 1;
        }
        return all;
    }

    /** Closes the Service Bus clients. */
    void close() {
        entities.close();
    }

    private static boolean belongs(Entity entity, String subscription, Stored m) {
        return entity.subscription() != null || subscription.equals(subscriptionOf(entity.topic(), m.source()));
    }

    /** The subscription named by a DeadLetterSource such as {@code chunk-ready/Subscriptions/synapse-loader}. */
    static String subscriptionOf(String topic, String source) {
        if (source == null) {
            return null;
        }
        String prefix = (topic + "/subscriptions/").toLowerCase(Locale.ROOT);
        return source.toLowerCase(Locale.ROOT).startsWith(prefix) ? source.substring(prefix.length()) : null;
    }

    private static String idOf(Stored m) {
        return DeadLetter.idOf(m.applicationProperties(), m.messageId());
    }

    private static DeadLetter view(Stored m) {
        return new DeadLetter(
                idOf(m),
                m.reason(),
                m.description(),
                (int) m.deliveryCount(),
                m.enqueuedTime(),
                new String(m.body(), StandardCharsets.UTF_8),
                m.applicationProperties());
    }
}
