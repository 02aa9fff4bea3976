package io.fhirpipe.exportpoller.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.exportpoller.PollerTestStack;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.testsupport.quarkus.ServiceProbes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What /q/metrics shows after the transfer landed a file and was given the same file again. The
 * counters are the service's since it started (other tests transfer too), so each assertion is on
 * the change, for a resource type no other test transfers.
 */
@QuarkusTest
@QuarkusTestResource(value = PollerTestStack.class, restrictToAnnotatedClass = false)
class TransferMetricsTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void aLandedFileCountsItsBytesAndResourcesOnceAndARedeliveryCountsNothingMoved() {
        ServiceProbes service = new ServiceProbes(root.toString());
        Map<String, String> devices = Map.of("resource_type", "Device");
        Map<String, String> handled =
                Map.of("topic", Topics.EXPORT_FILE_READY, "subscription", Subscriptions.EXPORT_TRANSFER);
        double bytesBefore = service.metric("fhirpipe_transfer_bytes_total", devices);
        double resourcesBefore = service.metric("fhirpipe_transfer_resources_total", devices);
        double handledBefore = service.metric("fhirpipe_messages_handled_total", handled);
        byte[] file = ("{\"resourceType\":\"Device\",\"id\":\"d1\"}\n{\"resourceType\":\"Device\",\"id\":\"d2\"}\n"
                        + "{\"resourceType\":\"Device\",\"id\":\"d3\"}\n")
                .getBytes(StandardCharsets.UTF_8);
        String path = "/Binary/metrics-devices";
        PollerTestStack.fhir.always("GET", path, TransferTest.ndjson(file));

        String body = TransferTest.send(
                TransferTest.file("xfer-metrics", "hapi", FileKind.OUTPUT, "Device", 0, path, 3L, false));
        TransferTest.awaitMessage(TransferTest.BLOB_CREATED_QUEUE, TransferTest.exportId("xfer-metrics"));
        service.awaitMetric(
                "fhirpipe_messages_handled_total", handled, v -> v >= handledBefore + 1, Duration.ofSeconds(10));
        PollerTestStack.amqp.send(Topics.EXPORT_FILE_READY, body);
        TransferTest.awaitMessage(TransferTest.BLOB_CREATED_QUEUE, TransferTest.exportId("xfer-metrics"));
        service.awaitMetric(
                "fhirpipe_messages_handled_total", handled, v -> v >= handledBefore + 2, Duration.ofSeconds(10));

        assertThat(service.metric("fhirpipe_transfer_bytes_total", devices) - bytesBefore)
                .isEqualTo(file.length);
        assertThat(service.metric("fhirpipe_transfer_resources_total", devices) - resourcesBefore)
                .isEqualTo(3);
        assertThat(service.metric(
                        "fhirpipe_stage_duration_seconds_count",
                        Map.of("stage", "transfer", "outcome", "already-landed")))
                .isGreaterThanOrEqualTo(1);
    }
}
