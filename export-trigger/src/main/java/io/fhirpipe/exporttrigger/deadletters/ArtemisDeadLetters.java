package io.fhirpipe.exporttrigger.deadletters;

import io.fhirpipe.model.topology.SubscriptionDefinition;
import io.fhirpipe.model.topology.TopicDefinition;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.messaging.MessageProperties;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonClientOptions;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.message.Message;

/**
 * Dead letters on Artemis, over AMQP 1.0 with the service's own broker user. A topic's dead letters
 * share one queue, {@code <topic>.dead-letter}; which subscription one came from is told by
 * {@code DeadLetterSubscription} (a consumer dead-lettered it with a reason, see pipeline-runtime's
 * DeadLetterPublisher) or by Artemis's {@code _AMQ_ORIG_QUEUE} (the broker dead-lettered it after its
 * delivery attempts), so each operation reads through a selector on those two.
 *
 * <p>Reads browse (distribution mode {@code copy}); replay and purge consume. Every read asks for a
 * bounded number of messages and drains the link's credit, so "nothing more" is the broker's answer, not
 * a timeout. A replay goes to the subscription's own queue ({@code topic::topic.subscription}), so the
 * topic's other subscriptions never see it. Each call opens its own connection: these calls are rare.
 */
final class ArtemisDeadLetters implements DeadLetters {

    /** The most dead letters one call reads; a replay looks for its message among this many. */
    static final int MAX_SCAN = 10_000;

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Symbol COPY = Symbol.valueOf("copy");
    private static final Symbol SELECTOR = Symbol.valueOf("jms-selector");
    private static final Symbol ORIGINAL_QUEUE = Symbol.valueOf("x-opt-ORIG-QUEUE");
    private static final Symbol INGRESS_TIME = Symbol.valueOf("x-opt-ingress-time");

    private final Vertx vertx;
    private final Topology topology;
    private final Broker broker;
    private final Clock clock;

    /** Where the broker listens and who to connect as; the password is never shown. */
    record Broker(String host, int port, String username, String password) {
        @Override
        public String toString() {
            return "Broker[" + host + ":" + port + ", user " + username + "]";
        }
    }

    ArtemisDeadLetters(Vertx vertx, Topology topology, Broker broker, Clock clock) {
        this.vertx = vertx;
        this.topology = topology;
        this.broker = broker;
        this.clock = clock;
    }

    @Override
    public List<DeadLetterCount> counts() {
        return withConnection(connection -> {
            List<DeadLetterCount> counts = new ArrayList<>();
            for (TopicDefinition topic : topology.topics()) {
                if (topic.subscriptions().isEmpty()) {
                    continue;
                }
                // One browse of the topic's queue serves all its subscriptions.
                Map<String, Long> bySubscription = new LinkedHashMap<>();
                for (Received r : connection.read(Topology.deadLetterAddress(topic.name()), null, true, MAX_SCAN)) {
                    bySubscription.merge(subscriptionOf(topic, r.message()), 1L, Long::sum);
                }
                for (SubscriptionDefinition s : topic.subscriptions()) {
                    counts.add(new DeadLetterCount(topic.name(), s.name(), bySubscription.getOrDefault(s.name(), 0L)));
                }
            }
            return counts;
        });
    }

    @Override
    public List<DeadLetter> peek(String topic, String subscription, int max) {
        return withConnection(connection ->
                connection.read(Topology.deadLetterAddress(topic), selector(topic, subscription), true, max).stream()
                        .map(r -> view(r.message()))
                        .toList());
    }

    @Override
    public Optional<Replayed> replay(String topic, String subscription, String messageId, String editedBody) {
        return withConnection(connection -> {
            List<Received> taken =
                    connection.read(Topology.deadLetterAddress(topic), selector(topic, subscription), false, MAX_SCAN);
            Received found = null;
            try {
                for (Received r : taken) {
                    if (messageId.equals(idOf(r.message()))) {
                        found = r;
                        break;
                    }
                }
                if (found == null) {
                    return Optional.empty();
                }
                Message original = found.message();
                String replayId = DeadLetter.replayId(messageId, clock.instant());
                Message copy = Message.Factory.create();
                copy.setMessageId(replayId);
                copy.setDurable(true);
                copy.setContentType(MessageProperties.CONTENT_TYPE);
                copy.setSubject(original.getSubject());
                copy.setCorrelationId(original.getCorrelationId());
                copy.setBody(new AmqpValue(editedBody != null ? editedBody : text(original.getBody())));
                copy.setApplicationProperties(new ApplicationProperties(new LinkedHashMap<>(
                        DeadLetter.replayProperties(properties(original), messageId, subscription))));
                connection.send(topology.topic(topic).queueAddress(subscription), copy);
                connection.settle(found.delivery(), true);
                return Optional.of(new Replayed(topic, subscription, messageId, replayId, editedBody != null));
            } finally {
                for (Received r : taken) {
                    if (r != found) {
                        connection.settle(r.delivery(), false);
                    }
                }
            }
        });
    }

    @Override
    public int purge(String topic, String subscription) {
        return withConnection(connection -> {
            int purged = 0;
            List<Received> batch;
            do {
                batch = connection.read(Topology.deadLetterAddress(topic), selector(topic, subscription), false, 500);
                for (Received r : batch) {
                    connection.settle(r.delivery(), true);
                }
                purged += batch.size();
            } while (!batch.isEmpty());
            return purged;
        });
    }

    /**
     * Both ways a dead letter of this subscription is marked. Topic and subscription names are letters,
     * digits, '.', '_' and '-' (SubscriptionDefinition) and known to the topology, so quoting them is safe.
     */
    static String selector(String topic, String subscription) {
        return MessageProperties.DEAD_LETTER_SUBSCRIPTION + " = '" + subscription + "' OR _AMQ_ORIG_QUEUE = '"
                + new TopicDefinition(topic, List.of()).subscriptionQueue(subscription) + "'";
    }

    private static String subscriptionOf(TopicDefinition topic, Message message) {
        Object named = properties(message).get(MessageProperties.DEAD_LETTER_SUBSCRIPTION);
        if (named != null) {
            return named.toString();
        }
        Object queue = annotation(message, ORIGINAL_QUEUE);
        String prefix = topic.subscriptionQueue("");
        return queue != null && queue.toString().startsWith(prefix)
                ? queue.toString().substring(prefix.length())
                : "";
    }

    private static DeadLetter view(Message message) {
        Map<String, Object> properties = properties(message);
        Object reason = properties.get(MessageProperties.DEAD_LETTER_REASON);
        Object description = properties.get(MessageProperties.DEAD_LETTER_DESCRIPTION);
        Object ingress = annotation(message, INGRESS_TIME);
        return new DeadLetter(
                idOf(message),
                reason == null ? null : reason.toString(),
                description != null
                        ? description.toString()
                        : reason == null
                                ? "dead-lettered by the broker (delivery attempts used up or rejected);"
                                        + " Artemis records no reason"
                                : null,
                null,
                ingress instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : null,
                text(message.getBody()),
                properties);
    }

    private static String idOf(Message message) {
        Object id = message.getMessageId();
        return DeadLetter.idOf(properties(message), id == null ? null : id.toString());
    }

    private static Map<String, Object> properties(Message message) {
        Map<String, Object> properties = new LinkedHashMap<>();
        if (message.getApplicationProperties() != null
                && message.getApplicationProperties().getValue() != null) {
            message.getApplicationProperties().getValue().forEach((k, v) -> properties.put(k, plain(v)));
        }
        return properties;
    }

    private static Object annotation(Message message, Symbol key) {
        return message.getMessageAnnotations() == null
                        || message.getMessageAnnotations().getValue() == null
                ? null
                : message.getMessageAnnotations().getValue().get(key);
    }

    /** JSON can show strings, numbers and booleans; anything else (symbols, timestamps, binaries) as text. */
    private static Object plain(Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof java.util.Date date) {
            return date.toInstant().toString();
        }
        return value.toString();
    }

    /** A body as text: fhirpipe sends AMQP value strings; a person may have posted a data section. */
    static String text(Section body) {
        if (body instanceof AmqpValue value) {
            Object v = value.getValue();
            return v instanceof Binary b ? utf8(b) : v == null ? null : v.toString();
        }
        if (body instanceof Data data) {
            return utf8(data.getValue());
        }
        return body == null ? null : body.toString();
    }

    private static String utf8(Binary binary) {
        return binary == null
                ? null
                : new String(binary.getArray(), binary.getArrayOffset(), binary.getLength(), StandardCharsets.UTF_8);
    }

    private <T> T withConnection(java.util.function.Function<Connection, T> work) {
        Context context = vertx.getOrCreateContext();
        Connection connection = new Connection(
                context, await(context, "connect to the broker at " + broker.host() + ":" + broker.port(), promise -> {
                    ProtonClient.create(vertx)
                            .connect(
                                    new ProtonClientOptions().setConnectTimeout((int) TIMEOUT.toMillis()),
                                    broker.host(),
                                    broker.port(),
                                    broker.username(),
                                    broker.password(),
                                    connected -> {
                                        if (connected.failed()) {
                                            promise.fail(connected.cause());
                                            return;
                                        }
                                        ProtonConnection c = connected.result();
                                        c.openHandler(opened -> {
                                            if (opened.failed()) {
                                                promise.fail(opened.cause());
                                            } else {
                                                promise.complete(c);
                                            }
                                        });
                                        c.open();
                                    });
                }));
        try {
            return work.apply(connection);
        } finally {
            connection.close();
        }
    }

    record Received(ProtonDelivery delivery, Message message) {}

    /** One AMQP connection, used from a worker thread; every link operation runs on the connection's context. */
    private static final class Connection {
        private final Context context;
        private final ProtonConnection connection;
        /** Consuming links, open until the connection closes: their messages stay unsettled until settled. */
        private final List<ProtonReceiver> links = new ArrayList<>();

        Connection(Context context, ProtonConnection connection) {
            this.context = context;
            this.connection = connection;
        }

        /**
         * Up to {@code max} messages of {@code address} matching {@code selector}: browsed, or taken and left
         * unsettled for the caller to {@link #settle}.
         */
        List<Received> read(String address, String selector, boolean browse, int max) {
            List<Received> received = new ArrayList<>();
            ProtonReceiver receiver = await(context, "read dead letters from '" + address + "'", promise -> {
                ProtonReceiver r = connection.createReceiver(address);
                Source source = (Source) r.getSource();
                if (browse) {
                    source.setDistributionMode(COPY);
                }
                if (selector != null) {
                    source.setFilter(Map.of(SELECTOR, new Selector(selector)));
                }
                r.setPrefetch(0).setAutoAccept(false);
                r.handler((delivery, message) -> received.add(new Received(delivery, message)));
                r.closeHandler(closed -> promise.tryFail(
                        closed.failed() ? closed.cause() : new IllegalStateException("the broker closed the link")));
                r.openHandler(opened -> {
                    if (opened.failed()) {
                        promise.tryFail(opened.cause());
                        return;
                    }
                    r.flow(max);
                    // Completes once the broker has sent what it has (up to max) and given back the rest of the credit.
                    r.drain(TIMEOUT.toMillis(), drained -> {
                        if (drained.failed()) {
                            promise.tryFail(drained.cause());
                        } else {
                            promise.tryComplete(r);
                        }
                    });
                });
                r.open();
            });
            if (browse) {
                close(receiver);
                return received;
            }
            links.add(receiver);
            return received;
        }

        /** Accepts (removes) or releases (hands back, delivery count untouched) a consumed message. */
        void settle(ProtonDelivery delivery, boolean remove) {
            ArtemisDeadLetters.<Void>await(context, "settle a dead letter", promise -> {
                delivery.disposition(remove ? Accepted.getInstance() : Released.getInstance(), true);
                promise.complete();
            });
        }

        void send(String address, Message message) {
            ArtemisDeadLetters.<Void>await(context, "send to '" + address + "'", promise -> {
                ProtonSender sender = connection.createSender(address);
                ((Target) sender.getTarget()).setAddress(address);
                sender.openHandler(opened -> {
                    if (opened.failed()) {
                        promise.tryFail(opened.cause());
                        return;
                    }
                    sender.send(message, delivery -> {
                        sender.close();
                        if (delivery.getRemoteState() instanceof Accepted) {
                            promise.tryComplete();
                        } else {
                            promise.tryFail(new IllegalStateException(
                                    "the broker did not accept the message: " + delivery.getRemoteState()));
                        }
                    });
                });
                sender.closeHandler(closed -> promise.tryFail(
                        closed.failed() ? closed.cause() : new IllegalStateException("the broker closed the link")));
                sender.open();
            });
        }

        private void close(ProtonReceiver receiver) {
            ArtemisDeadLetters.<Void>await(context, "close a link", promise -> {
                if (!receiver.isOpen()) {
                    promise.complete();
                    return;
                }
                receiver.closeHandler(closed -> promise.tryComplete());
                receiver.close();
            });
        }

        void close() {
            try {
                links.forEach(this::close);
                ArtemisDeadLetters.<Void>await(context, "close the connection", promise -> {
                    connection.closeHandler(closed -> promise.tryComplete());
                    connection.disconnectHandler(gone -> promise.tryComplete());
                    connection.close();
                });
            } catch (BrokerUnavailableException e) {
                // Closing a connection the broker already dropped: nothing left to release.
                context.runOnContext(ignored -> connection.disconnect());
            }
        }
    }

    /** An AMQP selector filter as Artemis reads it (JMS selector syntax over properties). */
    private record Selector(String expression) implements DescribedType {
        @Override
        public Object getDescriptor() {
            return Symbol.valueOf("apache.org:selector-filter:string");
        }

        @Override
        public Object getDescribed() {
            return expression;
        }
    }

    private static <T> T await(Context context, String what, Consumer<Promise<T>> onContext) {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            Promise<T> promise = Promise.promise();
            promise.future().onComplete(ar -> {
                if (ar.succeeded()) {
                    result.complete(ar.result());
                } else {
                    result.completeExceptionally(ar.cause());
                }
            });
            try {
                onContext.accept(promise);
            } catch (RuntimeException e) {
                promise.tryFail(e);
            }
        });
        try {
            return result.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new BrokerUnavailableException(
                    "could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new BrokerUnavailableException("could not " + what + " within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while trying to " + what, e);
        }
    }
}
