package io.fhirpipe.loadgenerator.load;

import io.fhirpipe.testsupport.broker.BrokerCredentials;
import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.amqp.AmqpConnection;
import io.vertx.amqp.AmqpMessage;
import io.vertx.amqp.AmqpReceiver;
import io.vertx.amqp.AmqpSender;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads queue depths from the local broker through Artemis's management address over AMQP: the broker
 * runs in its own process with JMX off, and management messages need no extra port, library or broker
 * setting. Each query is a request to {@code activemq.management} naming the queue and the attribute
 * {@code messageCount}, answered on a dynamic (broker-named) reply queue.
 */
final class BrokerQueues implements AutoCloseable {

    private static final String MANAGEMENT = "activemq.management";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final AmqpClient client;
    private final AmqpConnection connection;
    private final AmqpSender sender;
    private final String replyAddress;
    private final BlockingQueue<AmqpMessage> replies = new LinkedBlockingQueue<>();

    private BrokerQueues(
            Vertx vertx, AmqpClient client, AmqpConnection connection, AmqpSender sender, AmqpReceiver receiver) {
        this.vertx = vertx;
        this.client = client;
        this.connection = connection;
        this.sender = sender;
        this.replyAddress = receiver.address();
        receiver.handler(replies::add);
    }

    static BrokerQueues connect(String host, int port, BrokerCredentials credentials) {
        Vertx vertx = Vertx.vertx();
        AmqpClientOptions options =
                new AmqpClientOptions().setHost(host).setPort(port).setContainerId("fhirpipe-load-queue-depths");
        if (credentials != null) {
            options.setUsername(credentials.username()).setPassword(credentials.password());
        }
        AmqpClient client = AmqpClient.create(vertx, options);
        try {
            AmqpConnection connection = await(client.connect());
            AmqpReceiver receiver = await(connection.createDynamicReceiver());
            AmqpSender sender = await(connection.createSender(MANAGEMENT));
            return new BrokerQueues(vertx, client, connection, sender, receiver);
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    /** Messages in each queue (ready, scheduled and delivered-but-unsettled); -1 where the broker did not answer. */
    synchronized Map<String, Long> depths(List<String> queues) {
        Map<String, Long> depths = new LinkedHashMap<>();
        for (String queue : queues) {
            depths.put(queue, messageCount(queue));
        }
        return depths;
    }

    private long messageCount(String queue) {
        replies.clear();
        sender.send(AmqpMessage.create()
                .replyTo(replyAddress)
                .applicationProperties(new JsonObject()
                        .put("_AMQ_ResourceName", "queue." + queue)
                        .put("_AMQ_Attribute", "messageCount"))
                .withBody("[]")
                .build());
        try {
            AmqpMessage reply = replies.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (reply == null
                    || reply.applicationProperties() == null
                    || !Boolean.TRUE.equals(reply.applicationProperties().getBoolean("_AMQ_OperationSucceeded"))) {
                return -1;
            }
            return new JsonArray(reply.bodyAsString()).getLong(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            await(connection.close());
            await(client.close());
        } catch (RuntimeException e) {
            // the broker may already be gone at the end of a run
        } finally {
            vertx.close();
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException("broker management: " + e.getMessage(), e);
        }
    }
}
