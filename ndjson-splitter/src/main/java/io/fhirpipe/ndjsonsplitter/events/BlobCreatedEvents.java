package io.fhirpipe.ndjsonsplitter.events;

import com.azure.core.models.CloudEvent;
import com.azure.core.util.BinaryData;
import com.azure.messaging.eventgrid.EventGridEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirpipe.model.storage.LandingBlob;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.runtime.logging.LogValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a message from the blob-created topic into actions. Accepts {@code Microsoft.Storage.BlobCreated}
 * in Event Grid schema and in CloudEvents schema (one event or an array). Only finished files
 * (api PutBlob, PutBlockList, FlushWithClose, CopyBlob) of the landing container named
 * {@code .ndjson} or {@code .ndjson.gz} are split; every other event is ignored. A URL off the
 * account, or a landing NDJSON name outside the layout, is a permanent failure, and so is a message
 * of more events than {@code maxEvents}: Event Grid delivers one event per request unless its
 * subscription batches (then at most its {@code maxEventsPerBatch}), and one event per Service Bus
 * message, so thousands of events in one message are not storage's, and would each cost a storage
 * call and perhaps a file.failed.
 */
public final class BlobCreatedEvents {

    public static final String BLOB_CREATED = "Microsoft.Storage.BlobCreated";
    public static final Set<String> FINISHED_APIS = Set.of("PutBlob", "PutBlockList", "FlushWithClose", "CopyBlob");
    public static final String INVALID = "InvalidMessage";
    public static final String OUTSIDE_LAYOUT = "BlobNameOutsideLayout";
    public static final String TOO_MANY_EVENTS = "TooManyEvents";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final LandingUrlPolicy urls;
    private final int maxEvents;

    public BlobCreatedEvents(LandingUrlPolicy urls, int maxEvents) {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("at most " + maxEvents + " events per message: must be at least 1");
        }
        this.urls = urls;
        this.maxEvents = maxEvents;
    }

    /** One event of a message: its id, its own JSON (one event, in the schema it came in) and what to do. */
    public record StorageEvent(String id, String json, BlobCreatedAction action) {}

    public List<BlobCreatedAction> actions(String body) {
        return events(body).stream().map(StorageEvent::action).toList();
    }

    /**
     * The events of a message, each with what to do. The webhook takes them one by one onto the
     * topic, so each keeps its own JSON and id (the broker's duplicate-detection key).
     */
    public List<StorageEvent> events(String body) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new PermanentFailure(INVALID, "the body is not JSON: " + LogValues.escaped(e.getOriginalMessage()));
        }
        if (tree == null || !(tree.isObject() || tree.isArray()) || (tree.isArray() && tree.isEmpty())) {
            throw new PermanentFailure(INVALID, "the body is not an event or an array of events");
        }
        if (tree.isArray() && tree.size() > maxEvents) {
            throw new PermanentFailure(
                    TOO_MANY_EVENTS,
                    "the message holds " + tree.size() + " events; at most " + maxEvents + " are taken in one message");
        }
        List<JsonNode> nodes = new ArrayList<>();
        if (tree.isArray()) {
            tree.forEach(nodes::add);
        } else {
            nodes.add(tree);
        }
        // Event Grid never mixes schemas in one delivery: the first event tells which parser reads them all.
        boolean cloudEvents = nodes.get(0).has("specversion");
        List<StorageEvent> events = new ArrayList<>();
        try {
            for (JsonNode node : nodes) {
                if (!node.isObject()) {
                    throw new PermanentFailure(INVALID, "an element of the array is not an event");
                }
                String json = MAPPER.writeValueAsString(node);
                if (cloudEvents) {
                    CloudEvent event = CloudEvent.fromString(json).get(0);
                    events.add(new StorageEvent(event.getId(), json, action(event.getType(), event.getData())));
                } else {
                    EventGridEvent event = EventGridEvent.fromString(json).get(0);
                    events.add(new StorageEvent(event.getId(), json, action(event.getEventType(), event.getData())));
                }
            }
        } catch (PermanentFailure e) {
            throw e;
        } catch (JsonProcessingException | RuntimeException e) {
            throw new PermanentFailure(
                    INVALID, "not an Event Grid or CloudEvents event: " + LogValues.escaped(e.getMessage()), e);
        }
        return events;
    }

    private BlobCreatedAction action(String type, BinaryData data) {
        if (!BLOB_CREATED.equals(type)) {
            return new BlobCreatedAction.Ignore("event type " + LogValues.quoted(type));
        }
        JsonNode fields;
        try {
            fields = data == null ? null : MAPPER.readTree(data.toBytes());
        } catch (java.io.IOException e) {
            throw new PermanentFailure(INVALID, "the event data is not JSON");
        }
        if (fields == null || !fields.isObject()) {
            throw new PermanentFailure(INVALID, "the BlobCreated event has no data object");
        }
        String api = text(fields, "api");
        if (api == null || !FINISHED_APIS.contains(api)) {
            return new BlobCreatedAction.Ignore("api " + LogValues.quoted(api) + " does not mean a finished file");
        }
        Optional<String> name = urls.landingBlobName(text(fields, "url"));
        if (name.isEmpty()) {
            return new BlobCreatedAction.Ignore("not in the landing container");
        }
        String blobName = name.get();
        if (!blobName.endsWith(".ndjson") && !blobName.endsWith(".ndjson.gz")) {
            return new BlobCreatedAction.Ignore(LogValues.quoted("landing/" + blobName) + " is not an NDJSON file");
        }
        LandingBlob blob;
        try {
            blob = LandingBlob.parse(blobName).orElse(null);
        } catch (IllegalArgumentException e) {
            blob = null;
        }
        if (blob == null || !blob.name().equals(blobName)) {
            throw new PermanentFailure(
                    OUTSIDE_LAYOUT,
                    LogValues.quoted("landing/" + blobName)
                            + " does not fit {exportId}/[deleted/|error/]{Type}-{n}.ndjson[.gz]");
        }
        if (blob.kind() == io.fhirpipe.model.events.FileKind.ERROR) {
            // The server's OperationOutcomes: the transfer records their issues on the run; nothing to load.
            return new BlobCreatedAction.Ignore("landing/" + blobName + " is an error file of the export");
        }
        return new BlobCreatedAction.Split(blob, text(fields, "eTag"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? null : value.asText();
    }
}
