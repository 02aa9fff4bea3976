package io.fhirpipe.exporttrigger.deadletters;

import io.fhirpipe.runtime.messaging.MessageProperties;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One dead letter as an operator sees it.
 *
 * @param messageId     what identifies it for a replay: the id of the message that failed (see {@link #idOf})
 * @param reason        why it was dead-lettered; null when the broker did it without recording one (Artemis
 *                      after its delivery attempts ran out)
 * @param deliveryCount how often it was delivered before; null where the broker does not keep it (Artemis)
 * @param enqueuedTime  when it was enqueued; null where the broker does not tell (Artemis)
 * @param properties    its application properties, the dead-letter ones included
 */
record DeadLetter(
        String messageId,
        String reason,
        String description,
        Integer deliveryCount,
        Instant enqueuedTime,
        String body,
        Map<String, Object> properties) {

    /** Properties that describe the dead-lettering or an earlier retry, not the message: a replay drops them. */
    static final Set<String> NOT_REPLAYED = Set.of(
            MessageProperties.DEAD_LETTER_REASON,
            MessageProperties.DEAD_LETTER_DESCRIPTION,
            MessageProperties.DEAD_LETTER_SUBSCRIPTION,
            MessageProperties.PREVIOUS_DELIVERIES,
            MessageProperties.RETRY_FOR);

    public DeadLetter {
        properties = properties == null ? Map.of() : new TreeMap<>(properties);
    }

    /**
     * The id of the message that failed. A consumer's own dead letter (Artemis) and a retry copy (Service
     * Bus) carry it as {@code OriginalMessageId}; otherwise the broker kept the message's own id.
     */
    static String idOf(Map<String, Object> properties, String brokerMessageId) {
        Object original = properties == null ? null : properties.get(MessageProperties.ORIGINAL_MESSAGE_ID);
        String id = original != null ? original.toString() : brokerMessageId;
        // A replay that failed again is dead-lettered under the replay's own id; it is still the same message.
        return id == null ? null : REPLAY_SUFFIX.matcher(id).replaceFirst("");
    }

    private static final Pattern REPLAY_SUFFIX = Pattern.compile("(/replay-[0-9]+)+$");

    /** The id a replay is sent with: unique, and still showing which message it replays. */
    static String replayId(String messageId, Instant now) {
        return messageId + "/replay-" + now.toEpochMilli();
    }

    /** The application properties of a replay of {@code messageId} for {@code subscription}. */
    static Map<String, Object> replayProperties(Map<String, Object> properties, String messageId, String subscription) {
        Map<String, Object> replay = new TreeMap<>(properties);
        replay.keySet().removeAll(NOT_REPLAYED);
        replay.put(MessageProperties.ORIGINAL_MESSAGE_ID, messageId);
        // Each subscription's Service Bus rule lets a message carrying this through only to the subscription
        // it names (SubscriptionDefinition.routingFilter), so a replay reaches no other subscription of the topic.
        replay.put(MessageProperties.RETRY_FOR, subscription);
        return replay;
    }
}
