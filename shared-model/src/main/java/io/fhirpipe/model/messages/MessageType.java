package io.fhirpipe.model.messages;

import io.fhirpipe.model.Topics;
import io.fhirpipe.model.events.ChunkFailed;
import io.fhirpipe.model.events.ChunkLoaded;
import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.events.EventData;
import io.fhirpipe.model.events.ExportAccepted;
import io.fhirpipe.model.events.ExportCompleted;
import io.fhirpipe.model.events.ExportFailed;
import io.fhirpipe.model.events.ExportLoaded;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.model.events.FileFailed;
import io.fhirpipe.model.events.FileReady;
import io.fhirpipe.model.events.SplitCompleted;
import java.util.Optional;

/** Every message fhirpipe sends: its CloudEvents type, its data record, its topic and its JSON Schema. */
public enum MessageType {
    EXPORT_REQUESTED("fhirpipe.export.requested.v1", ExportRequested.class, Topics.EXPORT_REQUESTED),
    EXPORT_ACCEPTED("fhirpipe.export.accepted.v1", ExportAccepted.class, Topics.EXPORT_ACCEPTED),
    EXPORT_POLL_DUE("fhirpipe.export.poll-due.v1", ExportAccepted.class, Topics.EXPORT_ACCEPTED),
    EXPORT_FILE_READY("fhirpipe.export.file-ready.v1", FileReady.class, Topics.EXPORT_FILE_READY),
    EXPORT_COMPLETED("fhirpipe.export.completed.v1", ExportCompleted.class, Topics.EXPORT_COMPLETED),
    EXPORT_FAILED("fhirpipe.export.failed.v1", ExportFailed.class, Topics.EXPORT_FAILED),
    CHUNK_READY("fhirpipe.chunk.ready.v1", ChunkReady.class, Topics.CHUNK_READY),
    SPLIT_COMPLETED("fhirpipe.split.completed.v1", SplitCompleted.class, Topics.SPLIT_COMPLETED),
    CHUNK_LOADED("fhirpipe.chunk.loaded.v1", ChunkLoaded.class, Topics.CHUNK_LOADED),
    CHUNK_FAILED("fhirpipe.chunk.failed.v1", ChunkFailed.class, Topics.CHUNK_FAILED),
    FILE_FAILED("fhirpipe.file.failed.v1", FileFailed.class, Topics.FILE_FAILED),
    EXPORT_LOADED("fhirpipe.export.loaded.v1", ExportLoaded.class, Topics.EXPORT_LOADED);

    private final String cloudEventType;
    private final Class<? extends EventData> dataClass;
    private final String topic;

    MessageType(String cloudEventType, Class<? extends EventData> dataClass, String topic) {
        this.cloudEventType = cloudEventType;
        this.dataClass = dataClass;
        this.topic = topic;
    }

    public String cloudEventType() {
        return cloudEventType;
    }

    public Class<? extends EventData> dataClass() {
        return dataClass;
    }

    public String topic() {
        return topic;
    }

    /** Classpath location of the JSON Schema of the whole CloudEvent of this type. */
    public String schemaResource() {
        return "/schemas/" + cloudEventType.substring("fhirpipe.".length(), cloudEventType.length() - ".v1".length())
                + ".v1.schema.json";
    }

    public static Optional<MessageType> fromCloudEventType(String type) {
        for (MessageType t : values()) {
            if (t.cloudEventType.equals(type)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
