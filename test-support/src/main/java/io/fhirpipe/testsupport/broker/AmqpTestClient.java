package io.fhirpipe.testsupport.broker;

import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.amqp.AmqpConnection;
import io.vertx.amqp.AmqpMessage;
import io.vertx.amqp.AmqpSender;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonHelper;
import io.vertx.proton.ProtonReceiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.message.Message;

/**
 * A blocking AMQP 1.0 client for tests, on Vert.x AMQP: posts messages by hand and reads what
 * services published or what landed in dead-letter addresses. Not for production code.
 *
 * <p>Every receive opens its own link and grants the broker exactly one credit per message it
 * wants, so no message is prefetched and later handed back: delivery counts seen by the test are
 * exactly those caused by its own settlements.
 *
 * <p>All methods block the calling thread (up to {@link #operationTimeout()} for a send, link
 * attach or settlement) and must not be called on a Vert.x event loop.
 */
public final class AmqpTestClient implements AutoCloseable {

    public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(10);
    private static final Symbol COPY = Symbol.valueOf("copy");

    private final Vertx vertx;
    private final Context context;
    private final AmqpClient client;
    private final AmqpConnection connection;
    private final Duration operationTimeout;
    // Touched on the connection's context thread only.
    private final Map<String, AmqpSender> senders = new HashMap<>();

    private AmqpTestClient(
            Vertx vertx, Context context, AmqpClient client, AmqpConnection connection, Duration operationTimeout) {
        this.vertx = vertx;
        this.context = context;
        this.client = client;
        this.connection = connection;
        this.operationTimeout = operationTimeout;
    }

    /** Connects as the broker's user. */
    public static AmqpTestClient connect(EmbeddedArtemis broker) {
        return connect(broker.host(), broker.amqpPort(), broker.credentials(), DEFAULT_OPERATION_TIMEOUT);
    }

    public static AmqpTestClient connect(String host, int port, BrokerCredentials credentials) {
        return connect(host, port, credentials, DEFAULT_OPERATION_TIMEOUT);
    }

    /**
     * @param credentials the user to connect as; null connects anonymously (which fhirpipe's brokers
     *        refuse: for tests that show so)
     * @throws IllegalStateException naming the address when the broker cannot be reached or refuses the login
     */
    public static AmqpTestClient connect(
            String host, int port, BrokerCredentials credentials, Duration operationTimeout) {
        Vertx vertx = Vertx.vertx(
                new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        // Called off any Vert.x thread, this creates a fresh event-loop context; connecting from
        // inside it binds the connection to it, so every later link operation can run there too.
        Context context = vertx.getOrCreateContext();
        AmqpClient client = AmqpClient.create(
                vertx,
                new AmqpClientOptions()
                        .setHost(host)
                        .setPort(port)
                        .setContainerId("fhirpipe-test-client-" + UUID.randomUUID())
                        .setConnectTimeout((int) operationTimeout.toMillis())
                        .setReconnectAttempts(0)
                        .setUsername(credentials == null ? null : credentials.username())
                        .setPassword(credentials == null ? null : credentials.password()));
        try {
            AmqpConnection connection = await(
                    context,
                    operationTimeout,
                    "connect to amqp://" + host + ":" + port,
                    promise -> client.connect().onComplete(promise));
            return new AmqpTestClient(vertx, context, client, connection, operationTimeout);
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    public Duration operationTimeout() {
        return operationTimeout;
    }

    /** Sends a durable message with {@code body} to {@code address} and waits until the broker accepted it. */
    public void send(String address, String body) {
        send(address, OutgoingMessage.of(body));
    }

    public void send(String address, String body, Map<String, ?> applicationProperties) {
        send(address, OutgoingMessage.of(body).withApplicationProperties(applicationProperties));
    }

    public void send(
            String address, String body, Map<String, ?> applicationProperties, Map<String, ?> messageAnnotations) {
        send(
                address,
                OutgoingMessage.of(body)
                        .withApplicationProperties(applicationProperties)
                        .withMessageAnnotations(messageAnnotations));
    }

    /**
     * Sends {@code message} durably to {@code address} and waits for the broker's disposition.
     *
     * @throws IllegalStateException if the broker refuses the link (unknown address) or the message
     */
    public void send(String address, OutgoingMessage message) {
        Objects.requireNonNull(address, "address");
        Message proton = toProton(message);
        this.<Void>await(
                "send to '" + address + "'",
                promise -> sender(address)
                        .compose(sender ->
                                sender.sendWithAck(AmqpMessage.create(proton).build()))
                        .onComplete(promise));
    }

    /** Receives one message from {@code address} and accepts it; empty if none arrives within {@code timeout}. */
    public Optional<ReceivedMessage> receive(String address, Duration timeout) {
        return receive(address, timeout, Settlement.ACCEPT);
    }

    /** Receives one message from {@code address} and settles it as told; empty if none arrives in time. */
    public Optional<ReceivedMessage> receive(String address, Duration timeout, Settlement settlement) {
        Objects.requireNonNull(settlement, "settlement");
        try (Link link = open(address, false)) {
            return link.next(timeout, settlement);
        }
    }

    /**
     * Receives and accepts every message until none arrives for {@code quietPeriod}. Messages
     * scheduled for later, or waiting for a redelivery delay, arrive only if they become due
     * within the quiet period.
     */
    public List<ReceivedMessage> drain(String address, Duration quietPeriod) {
        return collect(address, quietPeriod, false);
    }

    /**
     * The messages waiting in the queue behind {@code address}, read without consuming them
     * (AMQP distribution mode {@code copy}, an Artemis queue browser), until none arrives for
     * {@code quietPeriod}. Messages being delivered to another consumer are not seen.
     */
    public List<ReceivedMessage> browse(String address, Duration quietPeriod) {
        return collect(address, quietPeriod, true);
    }

    /** How many messages {@link #browse} sees: counts without consuming. */
    public int count(String address, Duration quietPeriod) {
        return browse(address, quietPeriod).size();
    }

    @Override
    public void close() {
        try {
            this.<Void>await("close the connection", promise -> {
                List<Future<Void>> closing = new ArrayList<>();
                senders.values().forEach(sender -> closing.add(sender.close()));
                senders.clear();
                Future.join(closing)
                        .eventually(() -> connection.close())
                        .<Void>mapEmpty()
                        .onComplete(promise);
            });
        } catch (RuntimeException e) {
            // The broker may already be gone (stopped before the client); nothing left to release.
        } finally {
            client.close();
            vertx.close()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .orTimeout(operationTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionally(e -> null)
                    .join();
        }
    }

    private List<ReceivedMessage> collect(String address, Duration quietPeriod, boolean browse) {
        List<ReceivedMessage> messages = new ArrayList<>();
        try (Link link = open(address, browse)) {
            Optional<ReceivedMessage> next;
            while ((next = link.next(quietPeriod, Settlement.ACCEPT)).isPresent()) {
                messages.add(next.get());
            }
        }
        return messages;
    }

    private Future<AmqpSender> sender(String address) {
        AmqpSender cached = senders.get(address);
        if (cached != null) {
            return Future.succeededFuture(cached);
        }
        return connection.createSender(address).onSuccess(sender -> senders.put(address, sender));
    }

    private Link open(String address, boolean browse) {
        Objects.requireNonNull(address, "address");
        Link link = new Link(address);
        await("attach a receiver to '" + address + "'", promise -> {
            ProtonReceiver receiver = connection.unwrap().createReceiver(address);
            receiver.setPrefetch(0).setAutoAccept(false);
            if (browse) {
                ((Source) receiver.getSource()).setDistributionMode(COPY);
            }
            receiver.handler((delivery, message) -> link.arrived.add(new Arrival(delivery, message)));
            receiver.openHandler(opened -> {
                // Artemis answers an attach to an unknown address with a null source and then
                // closes the link with the reason; wait for that close to report it.
                if (opened.failed()) {
                    promise.tryFail(opened.cause());
                } else if (receiver.getRemoteSource() != null) {
                    link.receiver = receiver;
                    promise.tryComplete();
                }
            });
            receiver.closeHandler(closed -> {
                String reason = closed.failed() ? closed.cause().getMessage() : "closed by the broker";
                link.closedByBroker = reason;
                promise.tryFail(new IllegalStateException(reason));
                receiver.close();
            });
            receiver.open();
        });
        return link;
    }

    private static Message toProton(OutgoingMessage message) {
        Message proton = Message.Factory.create();
        proton.setBody(new AmqpValue(message.body()));
        proton.setDurable(true);
        if (message.messageId() != null) {
            proton.setMessageId(message.messageId());
        }
        if (message.contentType() != null) {
            proton.setContentType(message.contentType());
        }
        if (!message.applicationProperties().isEmpty()) {
            proton.setApplicationProperties(
                    new ApplicationProperties(new LinkedHashMap<>(message.applicationProperties())));
        }
        if (!message.messageAnnotations().isEmpty()) {
            Map<Symbol, Object> annotations = new LinkedHashMap<>();
            message.messageAnnotations().forEach((k, v) -> annotations.put(Symbol.valueOf(k), v));
            proton.setMessageAnnotations(new MessageAnnotations(annotations));
        }
        return proton;
    }

    private <T> T await(String what, Consumer<Promise<T>> onContext) {
        return await(context, operationTimeout, what, onContext);
    }

    private static <T> T await(Context context, Duration timeout, String what, Consumer<Promise<T>> onContext) {
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
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "AMQP: could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("AMQP: could not " + what + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("AMQP: interrupted while trying to " + what, e);
        }
    }

    private record Arrival(ProtonDelivery delivery, Message message) {}

    /** One receiving link; credit is granted one message at a time. */
    private final class Link implements AutoCloseable {
        private final String address;
        private final BlockingQueue<Arrival> arrived = new LinkedBlockingQueue<>();
        private volatile ProtonReceiver receiver;
        private volatile String closedByBroker;

        private Link(String address) {
            this.address = address;
        }

        Optional<ReceivedMessage> next(Duration timeout, Settlement settlement) {
            context.runOnContext(ignored -> receiver.flow(1));
            Arrival arrival;
            try {
                arrival = arrived.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while receiving from '" + address + "'", e);
            }
            if (arrival == null) {
                if (closedByBroker != null) {
                    throw new IllegalStateException(
                            "the broker closed the receiver on '" + address + "': " + closedByBroker);
                }
                return Optional.empty();
            }
            ReceivedMessage received = ReceivedMessage.of(arrival.message());
            await("settle a message from '" + address + "' as " + settlement, promise -> {
                settle(arrival.delivery(), settlement);
                promise.complete();
            });
            return Optional.of(received);
        }

        @Override
        public void close() {
            if (receiver == null) {
                return;
            }
            await("detach the receiver from '" + address + "'", promise -> {
                if (!receiver.isOpen()) {
                    promise.complete();
                    return;
                }
                receiver.closeHandler(closed -> promise.tryComplete());
                receiver.close();
            });
        }
    }

    private static void settle(ProtonDelivery delivery, Settlement settlement) {
        switch (settlement) {
            case ACCEPT -> ProtonHelper.accepted(delivery, true);
            case RELEASE -> ProtonHelper.released(delivery, true);
            case MODIFIED_FAILED -> ProtonHelper.modified(delivery, true, true, false);
            case MODIFIED_FAILED_UNDELIVERABLE_HERE -> ProtonHelper.modified(delivery, true, true, true);
            case REJECT -> ProtonHelper.rejected(delivery, true);
        }
    }
}
