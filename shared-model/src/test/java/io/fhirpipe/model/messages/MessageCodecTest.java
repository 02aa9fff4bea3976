package io.fhirpipe.model.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhirpipe.model.events.EventData;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.model.validation.FieldError;
import io.fhirpipe.model.validation.InvalidMessageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MessageCodecTest {

    private static final String SOURCE = "/fhirpipe/test";

    @ParameterizedTest
    @EnumSource(MessageType.class)
    void everyMessageTypeRoundTripsAndMatchesItsSchema(MessageType type) {
        EventData data = SampleEvents.sample(type);
        CloudEvent<EventData> event = CloudEvent.of(type, SOURCE, data, SampleEvents.T);

        String json = MessageCodec.encode(event);
        assertThat(MessageSchemas.validate(type, MessageCodec.parse(json))).isEmpty();

        CloudEvent<EventData> decoded = MessageCodec.decode(json, type);
        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.data()).isInstanceOf(type.dataClass());
    }

    @ParameterizedTest
    @EnumSource(MessageType.class)
    void theEnvelopeIsCloudEvents10WithADeterministicId(MessageType type) {
        EventData data = SampleEvents.sample(type);
        CloudEvent<EventData> first = CloudEvent.of(type, SOURCE, data, SampleEvents.T);
        CloudEvent<EventData> again = CloudEvent.of(type, "/elsewhere", data, SampleEvents.T.plusSeconds(5));

        assertThat(first.specversion()).isEqualTo("1.0");
        assertThat(first.type())
                .isEqualTo(type.cloudEventType())
                .startsWith("fhirpipe.")
                .endsWith(".v1");
        assertThat(first.datacontenttype()).isEqualTo("application/json");
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(first.id()).matches("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void optionalFieldsLeftNullStillMatchTheSchema() {
        java.time.Instant t = SampleEvents.T;
        java.util.List<EventData> sparse = java.util.List.of(
                new io.fhirpipe.model.events.ExportCompleted("e1", null, t, java.util.List.of(), null),
                new io.fhirpipe.model.events.ExportLoaded("e1", null, t, java.util.Map.of(), null),
                new io.fhirpipe.model.events.ChunkLoaded("e1", "Patient", "e1/Patient/x/000000.ndjson", 1, 0, null),
                new io.fhirpipe.model.events.ChunkFailed("e1", "Patient", "e1/Patient/x/000000.ndjson", "gone", null),
                new io.fhirpipe.model.events.ExportFailed("e1", null, "poll", "boom", null, null, null),
                new io.fhirpipe.model.events.ExportAccepted("e1", null, "hapi", "http://h/s", null, 0),
                new io.fhirpipe.model.events.FileReady(
                        "e1",
                        "hapi",
                        io.fhirpipe.model.events.FileKind.OUTPUT,
                        "Patient",
                        0,
                        "http://h/b",
                        null,
                        false,
                        null));
        for (EventData data : sparse) {
            MessageType type = java.util.Arrays.stream(MessageType.values())
                    .filter(m -> m.dataClass().isInstance(data))
                    .findFirst()
                    .orElseThrow();
            String json = MessageCodec.encode(CloudEvent.of(type, SOURCE, data, null));
            assertThat(MessageCodec.decode(json, type).data()).isEqualTo(data);
        }
    }

    @Test
    void differentLogicalEventsGetDifferentIds() {
        var accepted = (io.fhirpipe.model.events.ExportAccepted) SampleEvents.sample(MessageType.EXPORT_ACCEPTED);
        String first = CloudEvent.of(MessageType.EXPORT_ACCEPTED, SOURCE, accepted, null)
                .id();
        String nextPoll = CloudEvent.of(MessageType.EXPORT_POLL_DUE, SOURCE, accepted.nextPoll(), null)
                .id();
        String samePollOtherType = CloudEvent.of(MessageType.EXPORT_POLL_DUE, SOURCE, accepted, null)
                .id();
        assertThat(first).isNotEqualTo(nextPoll).isNotEqualTo(samePollOtherType);
    }

    @Test
    void resourceTypeIsTheSubject() {
        CloudEvent<EventData> event =
                CloudEvent.of(MessageType.CHUNK_READY, SOURCE, SampleEvents.sample(MessageType.CHUNK_READY), null);
        assertThat(event.subject()).isEqualTo("Observation");
    }

    @Test
    void aMissingRequiredFieldIsNamed() {
        ObjectNode tree = validTree(MessageType.CHUNK_READY);
        ((ObjectNode) tree.get("data")).remove("sha256");

        assertThatThrownBy(() -> MessageCodec.decode(tree.toString(), MessageType.CHUNK_READY))
                .isInstanceOfSatisfying(
                        InvalidMessageException.class,
                        e -> assertThat(e.errors()).containsExactly(new FieldError("data.sha256", "is required")));
    }

    @Test
    void aFieldOfTheWrongShapeIsNamedWithItsProblem() {
        ObjectNode tree = validTree(MessageType.EXPORT_REQUESTED);
        ObjectNode data = (ObjectNode) tree.get("data");
        data.put("level", "everything");
        data.put("since", "yesterday");
        data.putArray("types").add("Patient").add("lowercase");

        assertThatThrownBy(() -> MessageCodec.decode(tree.toString(), MessageType.EXPORT_REQUESTED))
                .isInstanceOfSatisfying(InvalidMessageException.class, e -> {
                    assertThat(e.errors())
                            .extracting(FieldError::field)
                            .containsExactlyInAnyOrder("data.level", "data.since", "data.types[1]");
                    assertThat(e.getMessage()).contains("data.since").contains("date-time");
                });
    }

    @Test
    void anUnknownDataFieldIsRejectedSoTyposInHandPostedMessagesAreNotIgnored() {
        ObjectNode tree = validTree(MessageType.EXPORT_REQUESTED);
        ((ObjectNode) tree.get("data")).putArray("type").add("Patient");

        assertThatThrownBy(() -> MessageCodec.decode(tree.toString(), MessageType.EXPORT_REQUESTED))
                .isInstanceOfSatisfying(
                        InvalidMessageException.class,
                        e -> assertThat(e.errors()).singleElement().satisfies(err -> {
                            assertThat(err.field()).isEqualTo("data");
                            assertThat(err.problem()).contains("type");
                        }));
    }

    @Test
    void aMessageOfAnotherTypeIsRejected() {
        String json = MessageCodec.encode(
                CloudEvent.of(MessageType.CHUNK_LOADED, SOURCE, SampleEvents.sample(MessageType.CHUNK_LOADED), null));
        assertThatThrownBy(() -> MessageCodec.decode(json, MessageType.EXPORT_REQUESTED))
                .isInstanceOfSatisfying(
                        InvalidMessageException.class,
                        e -> assertThat(e.errors())
                                .containsExactly(new FieldError(
                                        "type",
                                        "is 'fhirpipe.chunk.loaded.v1', expected " + "fhirpipe.export.requested.v1")));
    }

    @Test
    void notJsonAndUnknownTypesAreRejectedWithAReason() {
        assertThatThrownBy(() -> MessageCodec.decode("{not json", MessageType.EXPORT_REQUESTED))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> MessageCodec.decode("", MessageType.EXPORT_REQUESTED))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> MessageCodec.decode("{\"type\":\"com.example.other\"}"))
                .isInstanceOfSatisfying(
                        InvalidMessageException.class,
                        e -> assertThat(e.errors())
                                .containsExactly(
                                        new FieldError("type", "'com.example.other' is not a fhirpipe message type")));
    }

    @Test
    void aBlobNameWithTraversalIsRejected() {
        ObjectNode tree = validTree(MessageType.CHUNK_READY);
        ((ObjectNode) tree.get("data")).put("chunkBlob", "exp-1/../../state/exports/x.json");
        assertThatThrownBy(() -> MessageCodec.decode(tree.toString(), MessageType.CHUNK_READY))
                .isInstanceOfSatisfying(
                        InvalidMessageException.class,
                        e -> assertThat(e.errors())
                                .extracting(FieldError::field)
                                .containsExactly("data.chunkBlob"));
    }

    @Test
    void aHandWrittenMessageWithOnlyTheRequiredFieldsDecodes() {
        String json = """
                {"specversion":"1.0","id":"replay-1","source":"/ops/alice","type":"fhirpipe.export.requested.v1",
                 "data":{"exportId":"exp-replay-1","server":"hapi","level":"system"}}""";
        CloudEvent<ExportRequested> event =
                MessageCodec.decode(json, MessageType.EXPORT_REQUESTED, ExportRequested.class);
        assertThat(event.data().exportId()).isEqualTo("exp-replay-1");
        assertThat(event.data().types()).isEmpty();
    }

    private static ObjectNode validTree(MessageType type) {
        JsonNode tree = MessageCodec.parse(
                MessageCodec.encode(CloudEvent.of(type, SOURCE, SampleEvents.sample(type), SampleEvents.T)));
        return (ObjectNode) tree;
    }
}
