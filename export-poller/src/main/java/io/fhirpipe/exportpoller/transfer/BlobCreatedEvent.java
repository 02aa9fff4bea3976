package io.fhirpipe.exportpoller.transfer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhirpipe.model.ids.Ids;
import io.fhirpipe.model.messages.Json;
import io.fhirpipe.model.storage.Containers;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The {@code Microsoft.Storage.BlobCreated} event, in Event Grid schema, that Azure Storage would
 * have sent for a landed file; published by the transfer where storage sends none (Azurite).
 * Its id is derived from the blob name and ETag, and every other field from the committed blob,
 * so a redelivered file-ready republishes byte-for-byte the same event.
 *
 * <p>The shape is what ndjson-splitter's {@code BlobCreatedEvents} accepts: parsed by
 * {@code EventGridEvent.fromString} (id, subject, eventType, eventTime, dataVersion, data), and in
 * data: {@code api} one of the finishing APIs (PutBlockList here), {@code url} on the configured
 * account in the landing container, and {@code eTag}.
 */
public final class BlobCreatedEvent {

    public static final String EVENT_TYPE = "Microsoft.Storage.BlobCreated";
    public static final String API = "PutBlockList";

    private BlobCreatedEvent() {}

    public static String id(String blobName, String etag) {
        return Ids.deterministic(EVENT_TYPE, Containers.LANDING + "/" + blobName, etag);
    }

    /** @param accountName the storage account, for the topic (Azure: its resource id) */
    public static String json(LandedFile file, String accountName) {
        String name = file.blob().name();
        String id = id(name, file.etag());
        ObjectNode event = Json.mapper().createObjectNode();
        event.put(
                "topic",
                "/subscriptions/local/resourceGroups/local/providers/Microsoft.Storage/storageAccounts/" + accountName);
        event.put("subject", "/blobServices/default/containers/" + Containers.LANDING + "/blobs/" + name);
        event.put("eventType", EVENT_TYPE);
        event.put("id", id);
        event.put(
                "eventTime", file.lastModified().truncatedTo(ChronoUnit.MILLIS).toString());
        event.put("dataVersion", "");
        event.put("metadataVersion", "1");
        ObjectNode data = event.putObject("data");
        data.put("api", API);
        data.put("clientRequestId", id);
        data.put("requestId", id);
        data.put("eTag", file.etag());
        data.put("contentType", FileTransfer.CONTENT_TYPE);
        data.put("contentLength", file.bytes());
        data.put("blobType", "BlockBlob");
        data.put("url", file.blobUrl());
        data.put("sequencer", sequencer(file.lastModified()));
        data.putObject("storageDiagnostics").put("batchId", id);
        try {
            return Json.mapper().writeValueAsString(event);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a BlobCreated event", e);
        }
    }

    /** Event Grid's sequencer orders events of one blob; the commit time does the same here. */
    private static String sequencer(Instant modified) {
        return String.format("%032x", modified.toEpochMilli());
    }
}
