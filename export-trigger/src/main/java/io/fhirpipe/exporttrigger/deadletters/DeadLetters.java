package io.fhirpipe.exporttrigger.deadletters;

import java.util.List;
import java.util.Optional;

/**
 * The dead letters of every subscription of the topology, whatever the broker: {@link ArtemisDeadLetters}
 * locally, {@link ServiceBusDeadLetters} on Azure, chosen by {@code fhirpipe.messaging.broker}. Callers
 * have checked that the topic and subscription belong to the topology.
 */
interface DeadLetters {

    /** One entry per subscription of the topology, in topology order, zero counts included. */
    List<DeadLetterCount> counts();

    /** The oldest {@code max} dead letters of the subscription, read without removing them. */
    List<DeadLetter> peek(String topic, String subscription, int max);

    /**
     * Sends the dead letter with {@code messageId} (see {@link DeadLetter#messageId()}) back to the
     * subscription it was dead-lettered from, and only to it, with {@code editedBody} instead of its own
     * body when that is not null; then removes it from the dead letters. Empty when there is none with that id.
     */
    Optional<Replayed> replay(String topic, String subscription, String messageId, String editedBody);

    /** Removes every dead letter of the subscription; how many there were. */
    int purge(String topic, String subscription);
}
