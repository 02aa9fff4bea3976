package io.fhirpipe.exporttrigger.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobServiceClientBuilder;
import io.fhirpipe.exporttrigger.ExportTriggerTest;
import io.fhirpipe.exporttrigger.TriggerTestStack;
import io.fhirpipe.exporttrigger.kickoff.ExportStarter;
import io.fhirpipe.exporttrigger.messaging.TriggerChannels;
import io.fhirpipe.exporttrigger.state.WatermarkStore;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.events.ExportLevel;
import io.fhirpipe.model.ids.Ids;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.JsonBlobStore;
import io.fhirpipe.testsupport.fhir.RecordedResponse;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = TriggerTestStack.class, restrictToAnnotatedClass = false)
class ScheduledExportsTest {

    private static final String ACCEPTED_QUEUE =
            Topology.standard().topic(Topics.EXPORT_ACCEPTED).queueAddress(Subscriptions.EXPORT_POLLER);

    @Inject
    ExportRunStore runs;

    @Inject
    WatermarkStore watermarks;

    @Inject
    @Named(TriggerChannels.EXPORT_REQUESTED_OUT)
    CloudEventPublisher requested;

    @Inject
    Clock clock;

    @Test
    void twoReplicasFiringTheSameWindowStartOneExport() throws Exception {
        String group = "g-sched-" + UUID.randomUUID().toString().substring(0, 8);
        String path = "/fhir/Group/" + group + "/$export";
        // Two answers ready: if both replicas kicked off, both would be accepted and we would see it.
        TriggerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("01-system-kickoff"));
        TriggerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("01-system-kickoff"));
        ScheduledJob job = job("nightly-" + group, group);
        // Each replica has its own storage client, as two pods would.
        ScheduledExportStarter replicaA =
                new ScheduledExportStarter(new ExportStarter(runs, requested, clock), watermarks, runs, clock);
        ExportRunStore replicaBRuns = separateRunStore();
        ScheduledExportStarter replicaB = new ScheduledExportStarter(
                new ExportStarter(replicaBRuns, requested, clock), watermarks, replicaBRuns, clock);
        Instant window = Instant.parse("2026-11-26T02:00:00Z");

        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Optional<String>> a =
                CompletableFuture.supplyAsync(() -> fireAfter(go, replicaA, job, window));
        CompletableFuture<Optional<String>> b =
                CompletableFuture.supplyAsync(() -> fireAfter(go, replicaB, job, window.plusMillis(400)));
        go.countDown();

        List<Optional<String>> started = List.of(a.get(), b.get());
        assertThat(started).filteredOn(Optional::isPresent).hasSize(1);
        String exportId = started.stream().flatMap(Optional::stream).findFirst().orElseThrow();
        assertThat(exportId).isEqualTo(Ids.scheduledExportId(job.name(), window));

        ExportTriggerTest.awaitEvent(ACCEPTED_QUEUE, exportId);
        Thread.sleep(1500);
        assertThat(ExportTriggerTest.recorded(path)).hasSize(1);
        assertThat(runs.find(exportId).orElseThrow().request().origin()).isEqualTo("schedule");
    }

    @Test
    void aWindowExportsEverythingFirstAndThenSinceTheWatermark() {
        String group = "g-inc-" + UUID.randomUUID().toString().substring(0, 8);
        String path = "/fhir/Group/" + group + "/$export";
        TriggerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("01-system-kickoff"));
        TriggerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("01-system-kickoff"));
        ScheduledJob job = job("hourly-" + group, group);
        ScheduledExportStarter starter =
                new ScheduledExportStarter(new ExportStarter(runs, requested, clock), watermarks, runs, clock);

        String first = starter.fire(job, Instant.parse("2026-11-26T01:00:00Z")).orElseThrow();
        ExportTriggerTest.awaitEvent(ACCEPTED_QUEUE, first);
        assertThat(ExportTriggerTest.requestsTo(path).get(0).rawQuery()).isEqualTo("_type=Patient");

        Instant transactionTime = Instant.parse("2026-11-26T01:00:03.125Z");
        // what the tracker does when the first export has loaded
        runs.update(first, run -> run.withLoaded(clock.instant(), "test"));
        watermarks.advance(job.name(), transactionTime, first, clock.instant());
        String second = starter.fire(job, Instant.parse("2026-11-26T02:00:00Z")).orElseThrow();
        ExportTriggerTest.awaitEvent(ACCEPTED_QUEUE, second);
        assertThat(ExportTriggerTest.recorded(path)).hasSize(2);
        assertThat(ExportTriggerTest.recorded(path).get(1).rawQuery())
                .isEqualTo("_type=Patient&_since=2026-11-26T01%3A00%3A03.125Z");
        assertThat(runs.find(second).orElseThrow().request().since()).isEqualTo(transactionTime);
    }

    @Test
    void aWindowIsSkippedWhileTheJobsLastExportIsStillRunning() {
        String group = "g-skip-" + UUID.randomUUID().toString().substring(0, 8);
        String path = "/fhir/Group/" + group + "/$export";
        TriggerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("01-system-kickoff"));
        TriggerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("01-system-kickoff"));
        ScheduledJob job = job("every-minute-" + group, group);
        ScheduledExportStarter starter =
                new ScheduledExportStarter(new ExportStarter(runs, requested, clock), watermarks, runs, clock);

        String first = starter.fire(job, Instant.parse("2026-11-26T01:00:00Z")).orElseThrow();
        ExportTriggerTest.awaitEvent(ACCEPTED_QUEUE, first);
        // still ACCEPTED: the next window would export the same changes again
        assertThat(starter.fire(job, Instant.parse("2026-11-26T01:01:00Z"))).isEmpty();
        assertThat(runs.find(Ids.scheduledExportId(job.name(), Instant.parse("2026-11-26T01:01:00Z"))))
                .isEmpty();

        runs.update(first, run -> run.withLoaded(clock.instant(), "test"));
        String third = starter.fire(job, Instant.parse("2026-11-26T01:02:00Z")).orElseThrow();
        ExportTriggerTest.awaitEvent(ACCEPTED_QUEUE, third);
        assertThat(ExportTriggerTest.recorded(path)).hasSize(2);
    }

    private static Optional<String> fireAfter(
            CountDownLatch go, ScheduledExportStarter starter, ScheduledJob job, Instant fireTime) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return starter.fire(job, fireTime);
    }

    private static ScheduledJob job(String name, String group) {
        return new ScheduledJob(
                name, "0 0 * * * ?", "hapi", ExportLevel.GROUP, group, List.of("Patient"), List.of(), null, null);
    }

    private static ExportRunStore separateRunStore() {
        var client = new BlobServiceClientBuilder()
                .connectionString(TriggerTestStack.azuriteConnectionString())
                .buildClient();
        return new ExportRunStore(new JsonBlobStore(client.getBlobContainerClient(Containers.STATE)));
    }
}
