package io.fhirpipe.testsupport.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Waits for the message a test is about on a queue that other tests of the same class also read:
 * messages that do not match are set aside for later waits instead of being lost.
 */
public final class MatchingReceiver {

    private final AmqpTestClient amqp;
    private final Duration wait;
    private final Map<String, List<ReceivedMessage>> aside = new HashMap<>();

    public MatchingReceiver(AmqpTestClient amqp, Duration wait) {
        this.amqp = amqp;
        this.wait = wait;
    }

    public synchronized ReceivedMessage await(String queue, Predicate<ReceivedMessage> matches) {
        List<ReceivedMessage> setAside = aside.computeIfAbsent(queue, q -> new ArrayList<>());
        for (ReceivedMessage m : setAside) {
            if (matches.test(m)) {
                setAside.remove(m);
                return m;
            }
        }
        Instant deadline = Instant.now().plus(wait);
        while (Instant.now().isBefore(deadline)) {
            Optional<ReceivedMessage> next = amqp.receive(queue, Duration.ofMillis(500));
            if (next.isPresent()) {
                if (matches.test(next.get())) {
                    return next.get();
                }
                setAside.add(next.get());
            }
        }
        throw new AssertionError(
                "no matching message on " + queue + " within " + wait + "; " + setAside.size() + " others set aside");
    }
}
