package io.fhirpipe.exporttrigger.deadletters;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.fhirpipe.exporttrigger.TriggerTestStack;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.runtime.messaging.MessageProperties;
import io.fhirpipe.testsupport.broker.ArtemisNames;
import io.fhirpipe.testsupport.broker.OutgoingMessage;
import io.fhirpipe.testsupport.broker.ReceivedMessage;
import io.fhirpipe.testsupport.broker.Settlement;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Dead-letter list, peek, replay and purge on the embedded Artemis broker, with messages that really were
 * dead-lettered: one by the broker (a consumer rejected it: Artemis records no reason) and one by the
 * trigger itself (a permanent failure: an invalid export.requested, dead-lettered with its reason).
 */
@QuarkusTest
@QuarkusTestResource(value = TriggerTestStack.class, restrictToAnnotatedClass = false)
class DeadLettersArtemisTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    static long count(String topic, String subscription) {
        List<Map<String, Object>> counts = given().when()
                .get("/dead-letters")
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .extract()
                .jsonPath()
                .getList("$");
        return counts.stream()
                .filter(c -> topic.equals(c.get("topic")) && subscription.equals(c.get("subscription")))
                .map(c -> ((Number) c.get("count")).longValue())
                .findFirst()
                .orElseThrow();
    }

    static ValidatableResponse problem(ValidatableResponse response, int status) {
        return response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", startsWith("urn:fhirpipe:problem:"));
    }

    @Test
    void everySubscriptionOfTheTopologyIsListedWithItsCount() {
        List<Map<String, Object>> counts = given().when()
                .get("/dead-letters")
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .extract()
                .jsonPath()
                .getList("$");
        // 11 topics with one subscription each; export-loaded has none
        assertThat(counts).hasSize(11);
        assertThat(counts).allSatisfy(c -> {
            assertThat(c).containsOnlyKeys("topic", "subscription", "count");
            assertThat(((Number) c.get("count")).longValue()).isGreaterThanOrEqualTo(0);
        });
        assertThat(counts)
                .anySatisfy(c -> assertThat(c)
                        .containsEntry("topic", Topics.CHUNK_READY)
                        .containsEntry("subscription", Subscriptions.SYNAPSE_LOADER));
    }

    @Test
    void aMessageTheBrokerDeadLetteredIsPeekedReplayedEditedToItsSubscriptionOnlyAndPurged() {
        String topic = Topics.CHUNK_READY;
        String subscription = Subscriptions.SYNAPSE_LOADER;
        String queue = ArtemisNames.consumerAddress(topic, subscription);
        given().when()
                .delete("/dead-letters/" + topic + "/" + subscription)
                .then()
                .statusCode(200);
        // Another subscription of the same topic: a replay must not reach it.
        String other = TriggerTestStack.broker.addSubscription(topic, "dl-test-other-" + UUID.randomUUID());
        String id = "dl-test-" + UUID.randomUUID();
        String body = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"type\":\"fhirpipe.chunk.ready.v1\"}";
        TriggerTestStack.amqp.send(
                topic,
                OutgoingMessage.of(body)
                        .withMessageId(id)
                        .withApplicationProperties(Map.of(MessageProperties.RESOURCE_TYPE, "Patient")));
        TriggerTestStack.amqp.drain(other, Duration.ofMillis(300));
        ReceivedMessage first =
                TriggerTestStack.amqp.receive(queue, WAIT, Settlement.REJECT).orElseThrow();
        assertThat(first.messageId()).isEqualTo(id);
        await().atMost(WAIT).until(() -> count(topic, subscription) == 1);

        JsonPath peeked = given().when()
                .get("/dead-letters/" + topic + "/" + subscription + "?max=5")
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .extract()
                .jsonPath();
        assertThat(peeked.getList("$")).hasSize(1);
        assertThat(peeked.getString("[0].messageId")).isEqualTo(id);
        assertThat(peeked.getString("[0].body")).isEqualTo(body);
        assertThat(peeked.getString("[0].reason")).isNull();
        assertThat(peeked.getString("[0].description")).contains("Artemis records no reason");
        assertThat(peeked.getString("[0].properties.resourceType")).isEqualTo("Patient");
        // peeking does not remove
        assertThat(count(topic, subscription)).isEqualTo(1);

        String edited = MessageCodec.encode(CloudEvent.of(
                MessageType.CHUNK_READY,
                "/ops",
                new ChunkReady(
                        "e1",
                        "Patient",
                        "e1/Patient-1.ndjson",
                        "etag-1",
                        "e1/Patient-1/0.ndjson",
                        0,
                        2,
                        20,
                        "0".repeat(64)),
                Instant.now()));
        // an edited body that breaks the contract is refused and the dead letter stays
        problem(
                        given().contentType(ContentType.JSON)
                                .body("{\"type\":\"fhirpipe.export.requested.v1\"}")
                                .when()
                                .post("/dead-letters/" + topic + "/" + subscription + "/replay?messageId=" + id)
                                .then(),
                        400)
                .body("errors[0].field", equalTo("type"));
        assertThat(count(topic, subscription)).isEqualTo(1);

        given().contentType(ContentType.JSON)
                .body(edited)
                .when()
                .post("/dead-letters/" + topic + "/" + subscription + "/replay?messageId=" + id)
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("messageId", equalTo(id))
                .body("edited", equalTo(true))
                .body("replayedAs", startsWith(id + "/replay-"));
        assertThat(count(topic, subscription)).isZero();
        ReceivedMessage replayed =
                TriggerTestStack.amqp.receive(queue, WAIT, Settlement.REJECT).orElseThrow();
        assertThat(replayed.body()).isEqualTo(edited);
        assertThat(replayed.property(MessageProperties.ORIGINAL_MESSAGE_ID)).isEqualTo(id);
        assertThat(replayed.property(MessageProperties.RESOURCE_TYPE)).isEqualTo("Patient");
        assertThat(replayed.property(MessageProperties.RETRY_FOR)).isEqualTo(subscription);
        assertThat(TriggerTestStack.amqp.receive(other, Duration.ofMillis(500))).isEmpty();

        // rejected again: dead-lettered again, and then purged
        await().atMost(WAIT).until(() -> count(topic, subscription) == 1);
        given().when()
                .delete("/dead-letters/" + topic + "/" + subscription)
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("purged", equalTo(1));
        assertThat(count(topic, subscription)).isZero();
        assertThat(TriggerTestStack.broker.messageCount(ArtemisNames.deadLetterQueue(topic)))
                .isZero();
    }

    @Test
    void aMessageTheTriggerDeadLetteredKeepsItsReasonAndReplayedUneditedReachesTheTriggerAgain() {
        String topic = Topics.EXPORT_REQUESTED;
        String subscription = Subscriptions.EXPORT_TRIGGER;
        given().when()
                .delete("/dead-letters/" + topic + "/" + subscription)
                .then()
                .statusCode(200);
        String id = "dl-invalid-" + UUID.randomUUID();
        String invalid = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/test\","
                + "\"type\":\"fhirpipe.export.requested.v1\",\"data\":{\"server\":\"hapi\"}}";
        TriggerTestStack.amqp.send(topic, OutgoingMessage.of(invalid).withMessageId(id));
        await().atMost(WAIT).until(() -> count(topic, subscription) == 1);

        JsonPath peeked = given().when()
                .get("/dead-letters/" + topic + "/" + subscription)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(peeked.getString("[0].messageId")).isEqualTo(id);
        assertThat(peeked.getString("[0].reason")).isEqualTo("InvalidMessage");
        assertThat(peeked.getString("[0].description")).isNotBlank();
        assertThat(peeked.getString("[0].body")).isEqualTo(invalid);

        // No body: the message as it was. The trigger receives it again and dead-letters it again.
        given().when()
                .post("/dead-letters/" + topic + "/" + subscription + "/replay?messageId=" + id)
                .then()
                .statusCode(200)
                .body("edited", equalTo(false));
        await().atMost(WAIT)
                .until(() -> given().when()
                                .get("/dead-letters/" + topic + "/" + subscription)
                                .then()
                                .extract()
                                .jsonPath()
                                .getList("findAll { it.messageId == '" + id + "' }")
                                .size()
                        == 1);
        JsonPath again = given().when()
                .get("/dead-letters/" + topic + "/" + subscription)
                .then()
                .extract()
                .jsonPath();
        assertThat(again.getString("[0].reason")).isEqualTo("InvalidMessage");
        assertThat(again.getString("[0].messageId")).isEqualTo(id);
        given().when()
                .delete("/dead-letters/" + topic + "/" + subscription)
                .then()
                .statusCode(200)
                .body("purged", equalTo(1));
    }

    @Test
    void mistakesAreProblems() {
        problem(given().when().get("/dead-letters/no-such-topic/x").then(), 404);
        problem(
                given().when()
                        .get("/dead-letters/" + Topics.CHUNK_READY + "/export-tracker")
                        .then(),
                404);
        problem(
                given().when()
                        .delete("/dead-letters/" + Topics.CHUNK_READY + "/nobody")
                        .then(),
                404);
        for (String max : List.of("abc", "0", "501", "-1")) {
            problem(
                            given().when()
                                    .get("/dead-letters/" + Topics.CHUNK_READY + "/" + Subscriptions.SYNAPSE_LOADER
                                            + "?max=" + max)
                                    .then(),
                            400)
                    .body("errors[0].field", equalTo("max"));
        }
        String replay = "/dead-letters/" + Topics.CHUNK_READY + "/" + Subscriptions.SYNAPSE_LOADER + "/replay";
        problem(given().when().post(replay).then(), 400).body("errors[0].field", equalTo("messageId"));
        problem(given().when().post(replay + "?messageId=never-dead-lettered").then(), 404)
                .body("type", equalTo("urn:fhirpipe:problem:dead-letter-not-found"));
        problem(
                given().contentType(ContentType.TEXT)
                        .body("hello")
                        .when()
                        .post(replay + "?messageId=x")
                        .then(),
                415);
        problem(
                given().contentType(ContentType.JSON)
                        .body("not json")
                        .when()
                        .post(replay + "?messageId=x")
                        .then(),
                400);
        problem(
                given().contentType(ContentType.JSON)
                        .body("{\"a\":\"" + "x".repeat(70 * 1024) + "\"}")
                        .when()
                        .post(replay + "?messageId=x")
                        .then(),
                413);
    }
}
