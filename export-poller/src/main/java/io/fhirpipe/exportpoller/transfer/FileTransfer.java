package io.fhirpipe.exportpoller.transfer;

import com.azure.core.exception.AzureException;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhirpipe.fhirclient.bulkdata.BulkDataClient;
import io.fhirpipe.fhirclient.bulkdata.ServerUrls;
import io.fhirpipe.model.events.DeletedResource;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.events.FileReady;
import io.fhirpipe.model.messages.Json;
import io.fhirpipe.model.storage.LandingBlob;
import io.fhirpipe.runtime.failure.FailureClassifier;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.runtime.failure.RetryBackoff;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.runtime.logging.LogValues;
import io.fhirpipe.runtime.tracing.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Streams one manifest file from the FHIR server into its landing blob: staged blocks from a fixed
 * buffer pool, committed only when the whole file has arrived and its record count is right, so a
 * reader never sees a partial file and memory does not grow with the file.
 *
 * <p>A 5xx, 408, 429, a timeout, a stall or a dropped connection restarts the download from the
 * first byte (a new set of blocks; the old ones are never committed), at most
 * {@code maxAttempts} times with {@link RetryBackoff}; then a {@link TransientFailure} lets the
 * broker redeliver. A 401 forgets the cached token before the next attempt. A 404/410 or another
 * 4xx, a body that is not NDJSON and a record count other than the manifest's are permanent.
 *
 * <p>Idempotent: the commit is conditional (if-none-match * for a new blob, if-match for a stale
 * one), and a blob already committed from the same source URL is not written again — a rewrite
 * would change its ETag, hence the BlobCreated event id and the splitter's chunk generation.
 */
public final class FileTransfer {

    public static final String CONTENT_TYPE = TransferSettings.NDJSON;
    /** Blob metadata (lower case: metadata names are case-insensitive on Azure). */
    static final String META_SOURCE = "fhirpipe_source";

    static final String META_LINES = "fhirpipe_lines";
    static final String META_EXPORT = "fhirpipe_export";

    private static final Logger LOG = Logger.getLogger(FileTransfer.class);

    private final BlobContainerClient landing;
    private final TransferSettings settings;
    private final Executor uploads;
    private final ScheduledExecutorService watchdog;
    private final Clock clock;

    /** Downloads go through the server's {@link BulkDataClient}: its connection pool, its token. */
    public FileTransfer(
            BlobContainerClient landing,
            TransferSettings settings,
            Executor uploads,
            ScheduledExecutorService watchdog,
            Clock clock) {
        this.landing = landing;
        this.settings = settings;
        this.uploads = uploads;
        this.watchdog = watchdog;
        this.clock = clock;
    }

    /**
     * @throws PermanentFailure when the file can never land as announced
     * @throws TransientFailure when it may land on a later delivery
     */
    public LandedFile transfer(FileReady file, BulkDataClient server, LandingBlob blob) {
        BlockBlobClient client = landing.getBlobClient(blob.name()).getBlockBlobClient();
        BlobProperties existing = properties(client);
        Optional<LandedFile> landed = landedFrom(file, blob, client, existing);
        if (landed.isPresent()) {
            LOG.infof(
                    "landing/%s already holds %s (ETag %s); not copied again",
                    blob.name(), shown(file.url()), landed.get().etag());
            return landed.get();
        }
        RetryBackoff backoff = new RetryBackoff(settings.retryMinDelay(), settings.retryMaxDelay());
        RetryableDownload last = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            try {
                int number = attempt;
                // the download from the FHIR server streamed into landing storage: one span per attempt
                return Tracing.inSpan(
                        "transfer " + file.resourceType() + " file",
                        SpanKind.CLIENT,
                        span -> attempt(file, server, blob, client, existing, number));
            } catch (RetryableDownload e) {
                last = e;
                LOG.warnf(
                        "downloading %s into landing/%s, attempt %d of %d: %s",
                        shown(file.url()), blob.name(), attempt, settings.maxAttempts(), e.getMessage());
                if (attempt < settings.maxAttempts()) {
                    sleep(backoff.delay(attempt, e.retryAfter()));
                }
            }
        }
        throw new TransientFailure(
                "downloading " + shown(file.url()) + " failed " + settings.maxAttempts() + " times; last: "
                        + last.getMessage(),
                last.retryAfter().orElse(null),
                last);
    }

    private LandedFile attempt(
            FileReady file,
            BulkDataClient server,
            LandingBlob blob,
            BlockBlobClient client,
            BlobProperties existing,
            int attempt)
            throws RetryableDownload {
        HttpResponse<InputStream> response;
        try {
            // the client sends to the normalised URL it checked, so the token goes only where the check said
            response = server.download(file.url(), file.requiresAccessToken(), settings.accept());
        } catch (IOException e) {
            throw new RetryableDownload("no response: " + describe(e), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailure("interrupted while downloading " + shown(file.url()), null, e);
        }
        int status = response.statusCode();
        if (status != 200) {
            discard(response.body());
            refuse(file, status, response.headers().firstValue("Retry-After"));
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        if (!isNdjson(contentType)) {
            discard(response.body());
            throw new PermanentFailure(
                    "NotNdjson",
                    "the server answered " + shown(file.url()) + " with Content-Type " + LogValues.quoted(contentType)
                            + ", not NDJSON");
        }
        long declaredLength =
                response.headers().firstValueAsLong("Content-Length").orElse(-1);
        return land(file, blob, client, existing, response.body(), declaredLength, attempt);
    }

    /**
     * Lands a file the FHIR server wrote into this storage account itself (Azure's {@code _container}
     * export, or a server whose export storage is this account): streamed from there into landing/
     * like any download, so it gets the landing name, line count check and BlobCreated event the
     * splitter expects. Storage failures are retried like download failures.
     */
    public LandedFile transferFromStorage(FileReady file, BlobClient source, LandingBlob blob) {
        BlockBlobClient client = landing.getBlobClient(blob.name()).getBlockBlobClient();
        BlobProperties existing = properties(client);
        Optional<LandedFile> landed = landedFrom(file, blob, client, existing);
        if (landed.isPresent()) {
            return landed.get();
        }
        RetryBackoff backoff = new RetryBackoff(settings.retryMinDelay(), settings.retryMaxDelay());
        RetryableDownload last = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            try {
                int number = attempt;
                return Tracing.inSpan("copy " + file.resourceType() + " file from storage", SpanKind.CLIENT, span -> {
                    BlobProperties properties = source.getProperties();
                    return land(
                            file, blob, client, existing, source.openInputStream(), properties.getBlobSize(), number);
                });
            } catch (BlobStorageException e) {
                if (e.getStatusCode() == 404) {
                    throw new PermanentFailure(
                            "FileGone", shown(file.url()) + " is not in the storage account" + " (any more)");
                }
                last = new RetryableDownload(
                        "reading it from storage failed: " + e.getStatusCode() + " " + e.getErrorCode(), null);
            } catch (AzureException e) {
                last = new RetryableDownload(
                        "reading it from storage failed: " + e.getClass().getSimpleName(), null);
            } catch (RetryableDownload e) {
                last = e;
            }
            LOG.warnf(
                    "copying %s into landing/%s, attempt %d of %d: %s",
                    shown(file.url()), blob.name(), attempt, settings.maxAttempts(), last.getMessage());
            if (attempt < settings.maxAttempts()) {
                sleep(backoff.delay(attempt, Optional.empty()));
            }
        }
        throw new TransientFailure(
                "copying " + shown(file.url()) + " from storage failed " + settings.maxAttempts() + " times; last: "
                        + last.getMessage(),
                null,
                last);
    }

    /**
     * Lands the deletes the poller read from the server's {@code _history} as a Bulk Data deleted
     * file: one Bundle per line with {@code request} DELETE {@code Type/id} and, where the server gave
     * it, {@code response.lastModified} = the time of the delete. The splitter and the loader then
     * treat them exactly like a {@code deleted[]} file of the manifest.
     */
    public LandedFile landDeletions(FileReady file, LandingBlob blob) {
        BlockBlobClient client = landing.getBlobClient(blob.name()).getBlockBlobClient();
        BlobProperties existing = properties(client);
        Optional<LandedFile> landed = landedFrom(file, blob, client, existing);
        if (landed.isPresent()) {
            return landed.get();
        }
        StringBuilder lines = new StringBuilder();
        for (DeletedResource deleted : file.deletions()) {
            ObjectNode bundle = Json.mapper()
                    .createObjectNode()
                    .put("resourceType", "Bundle")
                    .put("type", "transaction");
            ObjectNode entry = bundle.putArray("entry").addObject();
            entry.putObject("request").put("method", "DELETE").put("url", file.resourceType() + "/" + deleted.id());
            if (deleted.deletedAt() != null) {
                entry.putObject("response")
                        .put("status", "204")
                        .put("lastModified", deleted.deletedAt().toString());
            }
            lines.append(bundle).append('\n');
        }
        byte[] body = lines.toString().getBytes(StandardCharsets.UTF_8);
        try {
            return land(file, blob, client, existing, new ByteArrayInputStream(body), body.length, 1);
        } catch (RetryableDownload e) {
            throw new TransientFailure("writing landing/" + blob.name() + " failed: " + e.getMessage(), null, e);
        }
    }

    private LandedFile land(
            FileReady file,
            LandingBlob blob,
            BlockBlobClient client,
            BlobProperties existing,
            InputStream body,
            long declaredLength,
            int attempt)
            throws RetryableDownload {
        LineCounter lines = new LineCounter();
        OperationOutcomeIssues issues = file.kind() == FileKind.ERROR ? new OperationOutcomeIssues() : null;
        long bytes = 0;
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        List<String> blockIds;
        try (InputStream in = body;
                BlockStager stager =
                        new BlockStager(client, settings.blockSize(), settings.uploadConcurrency(), uploads)) {
            ScheduledFuture<?> guard = guard(in, lastProgress, stalled);
            try {
                byte[] buffer = stager.take();
                int filled = 0;
                while (true) {
                    int n = in.read(buffer, filled, buffer.length - filled);
                    if (n < 0) {
                        break;
                    }
                    lastProgress.set(System.nanoTime());
                    lines.update(buffer, filled, n);
                    if (issues != null) {
                        issues.update(buffer, filled, n);
                    }
                    filled += n;
                    bytes += n;
                    if (filled == buffer.length) {
                        stager.stage(buffer, filled);
                        buffer = stager.take();
                        filled = 0;
                    }
                }
                if (stalled.get()) {
                    throw new RetryableDownload(
                            "no data for " + settings.idleTimeout() + " after " + bytes + " bytes", null);
                }
                stager.stage(buffer, filled);
            } finally {
                guard.cancel(false);
            }
            if (declaredLength >= 0 && declaredLength != bytes) {
                throw new RetryableDownload("the body ended after " + bytes + " of " + declaredLength + " bytes", null);
            }
            blockIds = stager.blockIds();
        } catch (BlockStager.StagingFailedException e) {
            throw storageFailure("staging blocks of landing/" + blob.name(), e.getCause());
        } catch (AzureException e) {
            throw storageFailure("staging blocks of landing/" + blob.name(), e);
        } catch (IOException e) {
            if (stalled.get()) {
                throw new RetryableDownload(
                        "no data for " + settings.idleTimeout() + " after " + bytes + " bytes", null);
            }
            throw new RetryableDownload("the download broke off after " + bytes + " bytes: " + describe(e), null);
        }
        if (issues != null) {
            issues.finish();
        }
        if (file.expectedCount() != null && file.expectedCount() != lines.lines()) {
            throw new PermanentFailure(
                    "CountMismatch",
                    shown(file.url()) + " holds " + lines.lines()
                            + " records but the manifest announced " + file.expectedCount() + "; landing/" + blob.name()
                            + " was not committed");
        }
        BlockBlobItem item = commit(file, blob, client, existing, blockIds, lines.lines());
        if (item == null) {
            // Another delivery of the same file committed first: theirs is the one generation.
            return landedFrom(file, blob, client, properties(client))
                    .orElseThrow(() -> new TransientFailure(
                            "landing/" + blob.name() + " changed while it was being written; trying again later",
                            null));
        }
        LOG.infof(
                "landed %s as landing/%s: %d bytes, %d records, %d blocks, attempt %d",
                shown(file.url()), blob.name(), bytes, lines.lines(), blockIds.size(), attempt);
        Instant modified = item.getLastModified() == null
                ? clock.instant()
                : item.getLastModified().toInstant();
        return new LandedFile(
                blob,
                eventGridUrl(client, blob),
                unquote(item.getETag()),
                bytes,
                lines.lines(),
                modified,
                attempt,
                issues == null ? List.of() : issues.issues(),
                issues == null ? 0 : issues.totalIssues());
    }

    private BlockBlobItem commit(
            FileReady file,
            LandingBlob blob,
            BlockBlobClient client,
            BlobProperties existing,
            List<String> blockIds,
            long lines) {
        BlobRequestConditions conditions = existing == null
                ? new BlobRequestConditions().setIfNoneMatch("*")
                : new BlobRequestConditions().setIfMatch(existing.getETag());
        try {
            return client.commitBlockListWithResponse(
                            new BlockBlobCommitBlockListOptions(blockIds)
                                    .setHeaders(new BlobHttpHeaders().setContentType(CONTENT_TYPE))
                                    .setMetadata(Map.of(
                                            META_SOURCE,
                                            file.url(),
                                            META_LINES,
                                            Long.toString(lines),
                                            META_EXPORT,
                                            file.exportId()))
                                    .setRequestConditions(conditions),
                            null,
                            Context.NONE)
                    .getValue();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 409 || e.getStatusCode() == 412) {
                return null;
            }
            throw storageFailure("committing landing/" + blob.name(), e);
        } catch (AzureException e) {
            throw storageFailure("committing landing/" + blob.name(), e);
        }
    }

    private Optional<LandedFile> landedFrom(
            FileReady file, LandingBlob blob, BlockBlobClient client, BlobProperties properties) {
        if (properties == null || properties.getMetadata() == null) {
            return Optional.empty();
        }
        Map<String, String> meta = properties.getMetadata();
        if (!file.url().equals(meta.get(META_SOURCE)) || meta.get(META_LINES) == null) {
            return Optional.empty();
        }
        long lines;
        try {
            lines = Long.parseLong(meta.get(META_LINES));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Instant modified = properties.getLastModified() == null
                ? clock.instant()
                : properties.getLastModified().toInstant();
        return Optional.of(new LandedFile(
                blob,
                eventGridUrl(client, blob),
                unquote(properties.getETag()),
                properties.getBlobSize(),
                lines,
                modified,
                0,
                List.of(),
                0));
    }

    /**
     * The URL as Event Grid writes it: the container URL, then the blob name with its slashes as they
     * are. The SDK's {@code getBlobUrl()} encodes them ({@code %2F}), which the splitter rightly refuses.
     * Landing names are [A-Za-z0-9._/-] only, so nothing else needs encoding.
     */
    static String eventGridUrl(BlockBlobClient client, LandingBlob blob) {
        return client.getContainerClient().getBlobContainerUrl() + "/" + blob.name();
    }

    private static BlobProperties properties(BlockBlobClient client) {
        try {
            return client.getProperties();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return null;
            }
            throw storageFailure("reading the properties of landing/" + client.getBlobName(), e);
        } catch (AzureException e) {
            throw storageFailure("reading the properties of landing/" + client.getBlobName(), e);
        }
    }

    private void refuse(FileReady file, int status, Optional<String> retryAfter) throws RetryableDownload {
        if (status == 401) {
            // The client already forgot the token and asked once more; a later attempt asks again.
            throw new RetryableDownload("the server answered 401", null);
        }
        if (FailureClassifier.isTransientHttpStatus(status)) {
            throw new RetryableDownload(
                    "the server answered " + status,
                    FailureClassifier.parseRetryAfter(retryAfter.orElse(null), clock.instant())
                            .orElse(null));
        }
        if (status == 404 || status == 410) {
            throw new PermanentFailure(
                    "FileGone", shown(file.url()) + " answered " + status + " (expired or deleted on the server)");
        }
        throw new PermanentFailure("DownloadRefused", shown(file.url()) + " answered " + status);
    }

    private ScheduledFuture<?> guard(InputStream in, AtomicLong lastProgress, AtomicBoolean stalled) {
        long idle = settings.idleTimeout().toNanos();
        long period = Math.max(50, Math.min(1000, settings.idleTimeout().toMillis() / 4));
        return watchdog.scheduleAtFixedRate(
                () -> {
                    if (System.nanoTime() - lastProgress.get() > idle && stalled.compareAndSet(false, true)) {
                        try {
                            // Unblocks the reader; the stalled flag tells it this end-of-stream is not the file's end.
                            in.close();
                        } catch (IOException ignored) {
                            // Closing is best effort; the flag is what matters.
                        }
                    }
                },
                period,
                period,
                TimeUnit.MILLISECONDS);
    }

    static boolean isNdjson(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT).split(";", 2)[0].trim();
        // HAPI: "application/fhir+ndjson" (or the Binary's own contentType, e.g. "ndjson"); reject
        // what certainly is not NDJSON: a Binary resource as JSON or XML, or an HTML error page.
        return !(type.contains("xml")
                || type.contains("html")
                || type.equals("application/fhir+json")
                || type.equals("application/json+fhir"));
    }

    private static void discard(InputStream body) {
        try {
            body.close();
        } catch (IOException ignored) {
            // The connection is closed either way.
        }
    }

    private static TransientFailure storageFailure(String what, Throwable cause) {
        String status =
                cause instanceof BlobStorageException b ? " (" + b.getStatusCode() + " " + b.getErrorCode() + ")" : "";
        return new TransientFailure("storage failed while " + what + status, null, cause);
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailure("interrupted while waiting to retry a download", null, e);
        }
    }

    static String unquote(String etag) {
        if (etag == null) {
            return null;
        }
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
                ? etag.substring(1, etag.length() - 1)
                : etag;
    }

    /** A file URL for logs and messages: no query string (it may carry a signature). */
    /** The URL without its query (signatures, tokens), as the transfer record keeps it. */
    static String redact(String url) {
        return ServerUrls.redactQuery(String.valueOf(url));
    }

    /** {@link #redact}ed and escaped, for a log line or a failure description. */
    static String shown(String url) {
        return LogValues.quoted(redact(url));
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + LogValues.escaped(e.getMessage()));
    }

    /** This attempt failed in a way the next attempt, from the first byte, may not. */
    static final class RetryableDownload extends Exception {
        private final Duration retryAfter;

        RetryableDownload(String message, Duration retryAfter) {
            super(message, null, false, false);
            this.retryAfter = retryAfter;
        }

        Optional<Duration> retryAfter() {
            return Optional.ofNullable(retryAfter);
        }
    }
}
