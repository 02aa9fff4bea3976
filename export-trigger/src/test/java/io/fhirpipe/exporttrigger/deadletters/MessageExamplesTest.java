package io.fhirpipe.exporttrigger.deadletters;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.messages.Json;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.model.topology.BicepTopology;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.testsupport.RepositoryRoot;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/messages.md promises one example per message a person can post by hand: every example there must
 * decode against the contract (JSON Schema and record, as a consumer decodes it), sit under the topic
 * that carries its type, and every message type must have one, so the page cannot rot.
 */
class MessageExamplesTest {

    /** {@code ### `fhirpipe.chunk.ready.v1` (topic `chunk-ready`)}: the json block after it is its example. */
    private static final Pattern HEADING = Pattern.compile("^### `([^`]+)` \\(topic `([^`]+)`\\)$");

    record Example(String heading, String topic, String json) {}

    static List<Example> examples() throws Exception {
        List<String> lines = Files.readAllLines(RepositoryRoot.find().resolve("docs/messages.md"));
        List<Example> examples = new ArrayList<>();
        Matcher heading = null;
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = HEADING.matcher(lines.get(i));
            if (m.matches()) {
                heading = m;
            } else if (lines.get(i).startsWith("#")) {
                heading = null;
            } else if (lines.get(i).equals("```json") && heading != null) {
                StringBuilder json = new StringBuilder();
                while (!lines.get(++i).equals("```")) {
                    json.append(lines.get(i)).append('\n');
                }
                examples.add(new Example(heading.group(1), heading.group(2), json.toString()));
                heading = null;
            }
        }
        return examples;
    }

    @Test
    void everyMessageTypeHasAnExampleThatDecodesAgainstTheContractUnderItsTopic() throws Exception {
        Set<MessageType> covered = EnumSet.noneOf(MessageType.class);
        for (Example example : examples()) {
            if (example.heading().startsWith("fhirpipe.")) {
                MessageType type = MessageType.fromCloudEventType(example.heading())
                        .orElseThrow(() -> new AssertionError("'" + example.heading() + "' is not a message type"));
                // decoding validates against the schema first, then builds the record
                assertThat(MessageCodec.decode(example.json(), type).type()).isEqualTo(example.heading());
                assertThat(example.topic()).as(example.heading()).isEqualTo(type.topic());
                // what the replay endpoint accepts as an edited body, too
                assertThat(DeadLettersResource.checkEdited(example.topic(), example.json()))
                        .isEmpty();
                covered.add(type);
            }
        }
        assertThat(covered).containsExactlyInAnyOrder(MessageType.values());
    }

    @Test
    void theBlobCreatedExampleIsAFinishedLandingWriteAsTheSplitterWantsIt() throws Exception {
        List<Example> blob = examples().stream()
                .filter(e -> e.topic().equals(Topics.BLOB_CREATED))
                .toList();
        assertThat(blob).hasSize(1);
        JsonNode event = Json.mapper().readTree(blob.get(0).json());
        assertThat(blob.get(0).heading()).isEqualTo("Microsoft.Storage.BlobCreated");
        assertThat(event.path("eventType").asText()).isEqualTo("Microsoft.Storage.BlobCreated");
        assertThat(BicepTopology.FINISHED_BLOB_APIS)
                .contains(event.path("data").path("api").asText());
        assertThat(event.path("subject").asText())
                .startsWith("/blobServices/default/containers/" + BicepTopology.WATCHED_CONTAINER + "/blobs/")
                .endsWith(".ndjson");
        assertThat(event.path("data").path("url").asText()).contains("/" + BicepTopology.WATCHED_CONTAINER + "/");
        assertThat(event.path("id").asText()).isNotBlank();
    }

    @Test
    void everyTopicWithASubscriptionHasAnExample() throws Exception {
        Set<String> topics = new java.util.HashSet<>();
        examples().forEach(e -> topics.add(e.topic()));
        Topology.standard()
                .topics()
                .forEach(t -> assertThat(topics).as("examples").contains(t.name()));
    }
}
