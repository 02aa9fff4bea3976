package io.fhirpipe.exporttrigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.testsupport.fhir.RecordedResponse;
import io.fhirpipe.testsupport.quarkus.ServiceProbes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What /q/metrics shows after one export was throttled once and then accepted. The counters are the
 * service's since it started (other tests kick off too), so each assertion is on the change.
 */
@QuarkusTest
@QuarkusTestResource(value = TriggerTestStack.class, restrictToAnnotatedClass = false)
class TriggerMetricsTest {

    static final String ACCEPTED_QUEUE =
            Topology.standard().topic(Topics.EXPORT_ACCEPTED).queueAddress(Subscriptions.EXPORT_POLLER);

    @TestHTTPResource("/")
    URL root;

    @Test
    void aThrottledThenAcceptedKickOffCountsBothAnswersTheTransitionsAndTheMessages() {
        ServiceProbes service = new ServiceProbes(root.toString());
        Map<String, String> throttled = Map.of("server", "hapi", "operation", "kickoff", "status", "429");
        Map<String, String> accepted = Map.of("server", "hapi", "operation", "kickoff", "status", "202");
        Map<String, String> handled =
                Map.of("topic", Topics.EXPORT_REQUESTED, "subscription", Subscriptions.EXPORT_TRIGGER);
        double throttledBefore = service.metric("fhirpipe_fhir_responses_total", throttled);
        double acceptedBefore = service.metric("fhirpipe_fhir_responses_total", accepted);
        double requestedRunsBefore =
                service.metric("fhirpipe_exports_transitions_total", Map.of("status", "REQUESTED"));
        double acceptedRunsBefore = service.metric("fhirpipe_exports_transitions_total", Map.of("status", "ACCEPTED"));
        double handledBefore = service.metric("fhirpipe_messages_handled_total", handled);
        double kickoffsBefore = service.metric("fhirpipe_stage_duration_seconds_count", Map.of("stage", "kickoff"));

        String path = "/fhir/Group/g-metrics/$export";
        TriggerTestStack.fhir.enqueue(
                "GET",
                path,
                RecordedResponse.operationOutcome(429, "throttled", "Too many requests")
                        .withHeader("Retry-After", "1"));
        TriggerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("01-system-kickoff"));
        String exportId = ExportTriggerTest.requestGroupExport("g-metrics");
        ExportTriggerTest.awaitMessage(
                ACCEPTED_QUEUE, m -> exportId.equals(m.applicationProperties().get("exportId")));

        assertThat(service.metric("fhirpipe_fhir_responses_total", throttled) - throttledBefore)
                .isEqualTo(1);
        assertThat(service.metric("fhirpipe_fhir_responses_total", accepted) - acceptedBefore)
                .isEqualTo(1);
        assertThat(service.metric("fhirpipe_exports_transitions_total", Map.of("status", "REQUESTED"))
                        - requestedRunsBefore)
                .isGreaterThanOrEqualTo(1);
        assertThat(service.metric("fhirpipe_exports_transitions_total", Map.of("status", "ACCEPTED"))
                        - acceptedRunsBefore)
                .isGreaterThanOrEqualTo(1);
        assertThat(service.metric("fhirpipe_stage_duration_seconds_count", Map.of("stage", "kickoff")) - kickoffsBefore)
                .isGreaterThanOrEqualTo(2);
        // the export.requested message and its delayed retry, each acked after its kick-off
        service.awaitMetric(
                "fhirpipe_messages_handled_total", handled, v -> v >= handledBefore + 2, Duration.ofSeconds(10));
    }
}
