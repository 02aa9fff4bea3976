package io.fhirpipe.ndjsonsplitter;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.events.SplitCompleted;
import io.fhirpipe.testsupport.quarkus.ServiceProbes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What /q/metrics shows after one file was split. The counters are the service's since it started
 * (other tests split too), so each assertion is on the change, for a resource type no other test splits.
 */
@QuarkusTest
@QuarkusTestResource(value = SplitterTestStack.class, restrictToAnnotatedClass = false)
class SplitterMetricsTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void aSplitFileCountsItsAcceptedAndRejectedLinesAndItsChunksPerType() {
        ServiceProbes service = new ServiceProbes(root.toString());
        Map<String, String> accepted = Map.of("resource_type", "Device", "outcome", "accepted");
        Map<String, String> rejected = Map.of("resource_type", "Device", "outcome", "rejected");
        double acceptedBefore = service.metric("fhirpipe_splitter_lines_total", accepted);
        double rejectedBefore = service.metric("fhirpipe_splitter_lines_total", rejected);
        double chunksBefore = service.metric("fhirpipe_splitter_chunks_total", Map.of("resource_type", "Device"));

        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < SplitterTestStack.MAX_LINES + 2; i++) {
            lines.append("{\"resourceType\":\"Device\",\"id\":\"dev-").append(i).append("\"}\n");
        }
        lines.append("{\"resourceType\":\"Device\",\"id\":\n");
        String name = "exp-split-metrics/Device-0.ndjson";
        String etag = NdjsonSplitterTest.upload(name, lines.toString().getBytes(StandardCharsets.UTF_8));
        SplitterTestStack.amqp.send(
                io.fhirpipe.model.Topics.BLOB_CREATED, NdjsonSplitterTest.eventGridBlobCreated("PutBlob", name, etag));
        SplitCompleted done = NdjsonSplitterTest.awaitSplit("exp-split-metrics", "Device");
        assertThat(done.chunkCount()).isEqualTo(2);

        assertThat(service.metric("fhirpipe_splitter_lines_total", accepted) - acceptedBefore)
                .isEqualTo(SplitterTestStack.MAX_LINES + 2);
        assertThat(service.metric("fhirpipe_splitter_lines_total", rejected) - rejectedBefore)
                .isEqualTo(1);
        assertThat(service.metric("fhirpipe_splitter_chunks_total", Map.of("resource_type", "Device")) - chunksBefore)
                .isEqualTo(2);
    }
}
