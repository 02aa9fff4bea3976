package io.fhirpipe.exportpoller.transfer;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobUrlParts;
import io.fhirpipe.exportpoller.messaging.PollerChannels;
import io.fhirpipe.fhirclient.bulkdata.BulkDataClient;
import io.fhirpipe.fhirclient.bulkdata.FhirServer;
import io.fhirpipe.fhirclient.bulkdata.FhirServers;
import io.fhirpipe.fhirclient.bulkdata.ForeignUrlException;
import io.fhirpipe.fhirclient.bulkdata.OperationOutcome;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.events.FileReady;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.model.storage.LandingBlob;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.runtime.logging.LogValues;
import io.fhirpipe.runtime.messaging.RawEventPublisher;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.JsonBlobStore;
import io.fhirpipe.runtime.state.RunEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Handles one {@code export.file-ready}: checks the URL, lands the file (unless the server wrote it
 * into our storage itself), publishes the BlobCreated event where storage sends none, and records
 * the transfer. Output and deleted files get an event; error files (OperationOutcomes) are landed
 * under {@code error/} and their issues logged and recorded, but announce nothing to the splitter.
 */
@ApplicationScoped
class FileReadyHandler {

    private static final Logger LOG = Logger.getLogger(FileReadyHandler.class);
    private static final int MAX_HISTORY = 200;

    @Inject
    FhirServers servers;

    @Inject
    FileTransfer transfer;

    @Inject
    TransferSettings settings;

    @Inject
    BlobServiceClient blobs;

    @Inject
    ExportRunStore runs;

    @Inject
    @Named(PollerChannels.BLOB_CREATED_OUT)
    RawEventPublisher blobCreated;

    Clock clock = Clock.systemUTC();

    private volatile JsonBlobStore records;
    private volatile StorageAccountUrls account;

    public TransferRecord handle(FileReady file) {
        LandingBlob blob;
        try {
            blob = new LandingBlob(file.exportId(), file.kind(), file.resourceType(), file.fileIndex(), false);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new PermanentFailure("InvalidMessage", "the file cannot be named in landing: " + e.getMessage());
        }
        BulkDataClient client = servers.find(file.server())
                .orElseThrow(() -> new PermanentFailure(
                        "UnknownServer", "no FHIR server named '" + file.server() + "' is configured"));
        FhirServer server = client.server();
        Instant now = clock.instant();
        LandedFile landed;
        if (file.deletions() != null) {
            if (file.kind() != FileKind.DELETED || !server.owns(file.url())) {
                throw new PermanentFailure(
                        "InvalidMessage",
                        "deletions come only in a deleted file whose url is the" + " _history query on server "
                                + server.name() + " they were read from");
            }
            landed = transfer.landDeletions(file, blob);
        } else if (account().contains(file.url())) {
            // written by the server into this account (Azure's _container export): copied into landing/
            // from there, so it is split like any other file
            BlobUrlParts source = BlobUrlParts.parse(file.url());
            if (Containers.ALL.contains(source.getBlobContainerName())) {
                // never land fhirpipe's own state, chunks or landed files as if they were exported data
                throw new PermanentFailure(
                        "ForeignFileUrl",
                        "file URL " + FileTransfer.shown(file.url())
                                + " points into fhirpipe's own container "
                                + LogValues.quoted(source.getBlobContainerName())
                                + ", not into a folder the server exported to");
            }
            landed = transfer.transferFromStorage(
                    file,
                    blobs.getBlobContainerClient(source.getBlobContainerName()).getBlobClient(source.getBlobName()),
                    blob);
        } else {
            try {
                server.checked(file.url());
            } catch (ForeignUrlException e) {
                throw new PermanentFailure(
                        "ForeignFileUrl",
                        "file URL is neither in the storage account nor on server " + server.name() + " ("
                                + server.baseUrl() + "); refused, nothing was fetched: " + e.getMessage());
            }
            landed = transfer.transfer(file, client, blob);
        }
        String eventId = null;
        if (settings.publishBlobCreated() && file.kind() != FileKind.ERROR) {
            eventId = BlobCreatedEvent.id(blob.name(), landed.etag());
            blobCreated.publishAndWait(
                    BlobCreatedEvent.json(landed, blobs.getAccountName()),
                    eventId,
                    BlobCreatedEvent.EVENT_TYPE,
                    file.exportId(),
                    file.resourceType());
        }
        if (file.kind() == FileKind.ERROR && !landed.alreadyLanded()) {
            reportErrorFile(file, landed, now);
        }
        return record(new TransferRecord(
                file.exportId(),
                file.kind(),
                file.resourceType(),
                file.fileIndex(),
                FileTransfer.redact(file.url()),
                landed.alreadyLanded() ? "already-landed" : "landed",
                blob.name(),
                landed.etag(),
                landed.bytes(),
                landed.lines(),
                file.expectedCount(),
                landed.attempts(),
                eventId,
                landed.alreadyLanded() ? null : landed.issues(),
                landed.alreadyLanded() ? null : landed.totalIssues(),
                now));
    }

    private void reportErrorFile(FileReady file, LandedFile landed, Instant now) {
        for (OperationOutcome.Issue issue : landed.issues()) {
            LOG.warnf(
                    "export %s error file %s: %s",
                    file.exportId(), landed.blob().name(), LogValues.quoted(issue));
        }
        String summary =
                landed.totalIssues() + " issues in landing/" + landed.blob().name()
                        + (landed.issues().isEmpty()
                                ? ""
                                : ": "
                                        + landed.issues().stream()
                                                .limit(5)
                                                .map(OperationOutcome.Issue::toString)
                                                .collect(Collectors.joining("; ")));
        if (runs.find(file.exportId()).isEmpty()) {
            return;
        }
        runs.update(file.exportId(), r -> {
            List<RunEvent> history = new ArrayList<>(r.history());
            history.add(new RunEvent(
                    now, "error-file", summary.length() > 2000 ? summary.substring(0, 1999) + "…" : summary));
            while (history.size() > MAX_HISTORY) {
                history.remove(1);
            }
            return new ExportRun(
                    r.exportId(),
                    r.job(),
                    r.server(),
                    r.status(),
                    r.request(),
                    r.statusUrl(),
                    r.kickoffAttempts(),
                    r.createdAt(),
                    now,
                    r.error(),
                    history);
        });
    }

    private TransferRecord record(TransferRecord record) {
        String name = io.fhirpipe.model.storage.StatePaths.transferRecord(
                new LandingBlob(record.exportId(), record.kind(), record.resourceType(), record.fileIndex(), false));
        try {
            return store().upsert(name, TransferRecord.class, record, ignored -> record);
        } catch (RuntimeException e) {
            throw new TransientFailure("cannot record the transfer of " + name + ": " + e.getMessage(), null, e);
        }
    }

    private JsonBlobStore store() {
        if (records == null) {
            records = new JsonBlobStore(blobs.getBlobContainerClient(Containers.STATE));
        }
        return records;
    }

    private StorageAccountUrls account() {
        if (account == null) {
            account = new StorageAccountUrls(blobs.getAccountUrl());
        }
        return account;
    }
}
