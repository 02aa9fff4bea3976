package io.fhirpipe.exporttrigger.cancel;

import io.fhirpipe.fhirclient.bulkdata.BulkDataClient;
import io.fhirpipe.fhirclient.bulkdata.FhirServers;
import io.fhirpipe.fhirclient.bulkdata.ForeignUrlException;
import io.fhirpipe.runtime.logging.LogValues;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStatus;
import io.fhirpipe.runtime.state.ExportRunStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Cancels an export: the run is marked cancelled first (the poller then reports the server's 404 as
 * a cancel and the tracker never marks it loaded), then the FHIR server is asked to stop with
 * {@code DELETE} on the status URL, as the Bulk Data specification describes.
 */
@ApplicationScoped
public class ExportCanceller {

    private static final Logger LOG = Logger.getLogger(ExportCanceller.class);

    @Inject
    ExportRunStore runs;

    @Inject
    FhirServers servers;

    @Inject
    Clock clock;

    public sealed interface Outcome {
        record Cancelled(ExportRun run) implements Outcome {}

        record NotFound() implements Outcome {}

        record AlreadyFinal(ExportRunStatus status) implements Outcome {}
    }

    public Outcome cancel(String exportId) {
        Optional<ExportRun> found = runs.find(exportId);
        if (found.isEmpty()) {
            return new Outcome.NotFound();
        }
        if (found.get().status().isFinal()) {
            return new Outcome.AlreadyFinal(found.get().status());
        }
        Instant now = clock.instant();
        ExportRun run = runs.update(exportId, r -> r.status().isFinal() ? r : r.withCancelled(now, "cancel requested"));
        if (run.status() != ExportRunStatus.CANCELLED) {
            return new Outcome.AlreadyFinal(run.status());
        }
        if (run.statusUrl() != null) {
            String answer = deleteAtServer(run);
            run = runs.update(exportId, r -> r.withNote(clock.instant(), "server-cancel", answer));
        }
        return new Outcome.Cancelled(run);
    }

    private String deleteAtServer(ExportRun run) {
        Optional<BulkDataClient> found = servers.find(run.server());
        if (found.isEmpty()) {
            return "server '" + run.server() + "' is no longer configured; the export was not cancelled there";
        }
        BulkDataClient server = found.get();
        String name = server.server().name();
        try {
            int status = server.cancel(run.statusUrl());
            if (status == 202 || status == 200 || status == 204) {
                return name + " accepted the cancel (" + status + ")";
            }
            if (status == 404) {
                return name + " no longer knows the export (404)";
            }
            return name + " answered " + status + " to the cancel";
        } catch (ForeignUrlException e) {
            return "the status URL is not on " + name + "; not contacted";
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cancelling export %s at %s failed: %s", run.exportId(), name, LogValues.escaped(e));
            return "could not reach " + name + ": " + e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while cancelling at " + name;
        }
    }
}
