package io.fhirpipe.runtime.messaging;

import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.runtime.failure.TransientRetries;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a service tells the pipeline before it dead-letters a message (file.failed, chunk.failed), so
 * the export's tracker stops waiting for that file or chunk. {@link MessageSettlement#settle(
 * org.eclipse.microprofile.reactive.messaging.Message, Throwable, Announcement)} publishes it, with the
 * dead letter's {@link DeadLetterReason}, and dead-letters only once the broker has it.
 *
 * @param channel where the announcement goes
 * @param events  the events for a given-up message (empty: nothing to announce, e.g. the body is unreadable)
 */
public record Announcement(CloudEventPublisher channel, Function<DeadLetterReason, List<CloudEvent<?>>> events) {

    /** A broker hiccup must not leave a given-up file or chunk unannounced. */
    private static final TransientRetries RETRIES = TransientRetries.beforeDeadLetter();

    public Announcement {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(events, "events");
    }

    /** One event, or none when {@code event} returns null. */
    public static Announcement of(CloudEventPublisher channel, Function<DeadLetterReason, CloudEvent<?>> event) {
        return new Announcement(channel, why -> {
            CloudEvent<?> one = event.apply(why);
            return one == null ? List.of() : List.of(one);
        });
    }

    /**
     * Publishes the events for {@code why} and waits for the broker (retrying a few times).
     *
     * @throws TransientFailure when an event could not be published: the message must not be
     *                          dead-lettered unannounced, so it is abandoned and tried again
     */
    public void publish(DeadLetterReason why) {
        for (CloudEvent<?> event : events.apply(why)) {
            try {
                RETRIES.call("announcing " + event.type() + " " + event.id(), () -> {
                    channel.publishAndWait(event);
                    return null;
                });
            } catch (RuntimeException notSent) {
                throw new TransientFailure(
                        "could not publish " + event.type() + ": " + MessageSettlement.describe(notSent),
                        null,
                        notSent);
            }
        }
    }
}
