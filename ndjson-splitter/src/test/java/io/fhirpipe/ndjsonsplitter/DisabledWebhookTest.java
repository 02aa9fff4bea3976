package io.fhirpipe.ndjsonsplitter;

import static io.restassured.RestAssured.given;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Off (profile servicebus's default), the webhook answers neither notifications nor handshakes. */
@QuarkusTest
@TestProfile(DisabledWebhookTest.Off.class)
@QuarkusTestResource(value = SplitterTestStack.class, restrictToAnnotatedClass = false)
public class DisabledWebhookTest {

    public static class Off implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fhirpipe.splitter.webhook.enabled", "false");
        }
    }

    @Test
    void everyRequestToTheWebhookIs404() {
        given().contentType(ContentType.JSON)
                .header("aeg-event-type", "Notification")
                .body(NdjsonSplitterTest.eventGridBlobCreated("PutBlob", "exp-off/Patient-0.ndjson", "0x1"))
                .when()
                .post("/events/blob-created")
                .then()
                .statusCode(404);
        given().contentType(ContentType.JSON)
                .header("aeg-event-type", "SubscriptionValidation")
                .body("""
                        [{"id":"v","topic":"/subscriptions/x","subject":"","data":{"validationCode":"c"},
                          "eventType":"Microsoft.EventGrid.SubscriptionValidationEvent",
                          "eventTime":"2026-11-26T08:00:00Z","metadataVersion":"1","dataVersion":"1"}]""")
                .when()
                .post("/events/blob-created")
                .then()
                .statusCode(404);
        given().header("WebHook-Request-Origin", "eventgrid.azure.net")
                .when()
                .options("/events/blob-created")
                .then()
                .statusCode(404);
    }
}
