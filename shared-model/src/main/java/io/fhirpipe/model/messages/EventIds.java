package io.fhirpipe.model.messages;

import io.fhirpipe.model.events.EventData;
import io.fhirpipe.model.ids.Ids;
import java.util.ArrayList;
import java.util.List;

/** Derives the CloudEvent id of an event from its type and identity: one place, so ids never disagree. */
final class EventIds {

    private EventIds() {}

    public static String of(MessageType type, EventData data) {
        List<String> parts = new ArrayList<>();
        parts.add(type.cloudEventType());
        parts.addAll(data.identity());
        return Ids.deterministic(parts);
    }
}
