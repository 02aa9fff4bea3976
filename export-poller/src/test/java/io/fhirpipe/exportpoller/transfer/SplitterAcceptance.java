package io.fhirpipe.exportpoller.transfer;

import com.azure.core.util.BinaryData;
import com.azure.messaging.eventgrid.EventGridEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.model.messages.Json;
import io.fhirpipe.model.storage.LandingBlob;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A copy of what ndjson-splitter's {@code BlobCreatedEvents} (and its {@code LandingUrlPolicy})
 * require of a message before it splits a file: this module cannot depend on the splitter, so the
 * rule is mirrored here, parsing with the same {@code EventGridEvent.fromString}. Keep in step with
 * ndjson-splitter/src/main/java/io/fhirpipe/ndjsonsplitter/events/BlobCreatedEvents.java.
 */
public final class SplitterAcceptance {

    static final Set<String> FINISHED_APIS = Set.of("PutBlob", "PutBlockList", "FlushWithClose", "CopyBlob");

    public record Split(LandingBlob blob, String etag) {}

    private SplitterAcceptance() {}

    /** The files the splitter would split for this body; throws where it would dead-letter. */
    public static List<Split> splits(String body, String accountUrl) throws IOException {
        List<Split> splits = new ArrayList<>();
        JsonNode first = Json.mapper().readTree(body);
        if (first.isArray()) {
            first = first.get(0);
        }
        if (first.has("specversion")) {
            throw new IllegalArgumentException("expected Event Grid schema, got a CloudEvent");
        }
        for (EventGridEvent event : EventGridEvent.fromString(body)) {
            if (!"Microsoft.Storage.BlobCreated".equals(event.getEventType())) {
                continue;
            }
            BinaryData data = event.getData();
            JsonNode fields = Json.mapper().readTree(data.toBytes());
            if (!FINISHED_APIS.contains(fields.path("api").asText(null))) {
                continue;
            }
            URI url = URI.create(fields.get("url").asText());
            URI account = URI.create(accountUrl);
            if (url.getRawQuery() != null
                    || url.getRawFragment() != null
                    || url.getRawUserInfo() != null
                    || !url.getScheme().equals(account.getScheme())
                    || !url.getHost().equals(account.getHost())
                    || url.getPort() != account.getPort()) {
                throw new IllegalArgumentException("ForeignBlobUrl: " + url);
            }
            String prefix = account.getRawPath() + "/landing/";
            String lowerPath = url.getRawPath().toLowerCase(java.util.Locale.ROOT);
            if (lowerPath.contains("%2f")
                    || lowerPath.contains("%5c")
                    || lowerPath.contains("%2e")
                    || lowerPath.contains("//")) {
                throw new IllegalArgumentException("ForeignBlobUrl: encoded separators in " + url);
            }
            if (!url.getRawPath().startsWith(prefix)) {
                continue;
            }
            String name = url.getPath().substring(prefix.length());
            if (!name.endsWith(".ndjson") && !name.endsWith(".ndjson.gz")) {
                continue;
            }
            LandingBlob blob = LandingBlob.parse(name)
                    .orElseThrow(() -> new IllegalArgumentException("BlobNameOutsideLayout: " + name));
            if (!blob.name().equals(name)) {
                throw new IllegalArgumentException("BlobNameOutsideLayout: " + name);
            }
            splits.add(new Split(
                    blob, fields.path("eTag").isTextual() ? fields.get("eTag").asText() : null));
        }
        return splits;
    }
}
