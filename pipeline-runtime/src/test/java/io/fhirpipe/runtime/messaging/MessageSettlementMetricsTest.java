package io.fhirpipe.runtime.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.runtime.metrics.PipelineMetrics;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every settlement is counted once, by outcome, with the dead-letter reason as a tag. */
class MessageSettlementMetricsTest {

    static final int MAX = Topology.standard()
            .subscription(Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER)
            .maxDeliveryCount();

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final MessageSettlementTest.RecordingEmitter deadLetters = new MessageSettlementTest.RecordingEmitter();
    final MessageSettlement settlement = new MessageSettlement(
            Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER, new DeadLetterPublisher(deadLetters));
    final List<String> settled = new ArrayList<>();

    @BeforeEach
    void bind() {
        Metrics.addRegistry(registry);
    }

    @AfterEach
    void unbind() {
        Metrics.removeRegistry(registry);
        registry.close();
    }

    Message<Object> delivery(int failedBefore) {
        return io.fhirpipe.testsupport.broker.Redeliveries.delivery("{\"id\":\"e1\"}", failedBefore, settled);
    }

    double count(String name, String... tags) {
        var counter = registry.find(name)
                .tags("topic", Topics.CHUNK_READY, "subscription", Subscriptions.SYNAPSE_LOADER)
                .tags(tags)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void handledFailedAndDeadLetteredAreCountedPerSubscriptionWithTheReason() {
        settlement.settle(delivery(0), null).toCompletableFuture().join();
        settlement.settle(delivery(0), null).toCompletableFuture().join();
        settlement
                .settle(delivery(0), new TransientFailure("throttled", null))
                .toCompletableFuture()
                .join();
        settlement
                .settle(delivery(0), new PermanentFailure("ChunkNotFound", "gone"))
                .toCompletableFuture()
                .join();
        settlement
                .settle(delivery(MAX - 1), new TransientFailure("throttled", null))
                .toCompletableFuture()
                .join();

        assertThat(settled).containsExactly("ack", "ack", "nack", "ack", "ack");
        assertThat(count(PipelineMetrics.MESSAGES_HANDLED)).isEqualTo(2);
        assertThat(count(PipelineMetrics.MESSAGES_FAILED, "reason", "ProcessingFailed"))
                .isEqualTo(1);
        assertThat(count(PipelineMetrics.MESSAGES_DEAD_LETTERED, "reason", "ChunkNotFound"))
                .isEqualTo(1);
        assertThat(count(PipelineMetrics.MESSAGES_DEAD_LETTERED, "reason", MessageSettlement.DELIVERY_LIMIT_REACHED))
                .isEqualTo(1);
        // the dead-lettered ones are not also counted as handled or failed
        assertThat(registry.find(PipelineMetrics.MESSAGES_FAILED).counters()).hasSize(1);
    }
}
