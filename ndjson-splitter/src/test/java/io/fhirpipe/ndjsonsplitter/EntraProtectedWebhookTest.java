package io.fhirpipe.ndjsonsplitter;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The webhook as on Azure with Event Grid's secure webhook delivery: every POST needs an Entra ID
 * token for the app registration, with its app role; quarkus-oidc verifies it against a local key.
 */
@QuarkusTest
@TestProfile(EntraProtectedWebhookTest.EntraProfile.class)
@QuarkusTestResource(value = SplitterTestStack.class, restrictToAnnotatedClass = false)
public class EntraProtectedWebhookTest {

    public static class EntraProfile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LocalEntraKeys.class));
        }
    }

    /** Injected by {@link LocalEntraKeys}: the key the service trusts. */
    PrivateKey signingKey;

    private static JwtClaimsBuilder eventGridClaims() {
        return Jwt.issuer(LocalEntraKeys.ISSUER)
                .audience(LocalEntraKeys.AUDIENCE)
                .subject("event-grid-service-principal")
                .claim("appid", LocalEntraKeys.EVENT_GRID_APP_ID)
                .claim("tid", LocalEntraKeys.TENANT)
                .claim("roles", List.of(LocalEntraKeys.ROLE))
                .expiresIn(Duration.ofMinutes(5));
    }

    private String token(JwtClaimsBuilder claims) {
        return claims.sign(signingKey);
    }

    private static String validation() {
        return """
                [{"id":"2d1781af-3a4c-4d7c-bd0c-e34b19da4e66","topic":"/subscriptions/x","subject":"",
                  "data":{"validationCode":"c0de-entra"},"eventType":"Microsoft.EventGrid.SubscriptionValidationEvent",
                  "eventTime":"2026-11-26T08:00:00Z","metadataVersion":"1","dataVersion":"1"}]""";
    }

    @Test
    void withoutATokenAPostIsRefusedWith401() {
        given().contentType(ContentType.JSON)
                .header("aeg-event-type", "Notification")
                .body(NdjsonSplitterTest.eventGridBlobCreated("PutBlob", "exp-entra-none/Patient-0.ndjson", "0x1"))
                .when()
                .post("/events/blob-created")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer"));
        given().contentType(ContentType.JSON)
                .header("aeg-event-type", "SubscriptionValidation")
                .body(validation())
                .when()
                .post("/events/blob-created")
                .then()
                .statusCode(401);
    }

    @Test
    void aTokenForAnotherAudienceOrIssuerOrSignedByAnotherKeyIsRefusedWith401() throws Exception {
        String body = NdjsonSplitterTest.eventGridBlobCreated("PutBlob", "exp-entra-bad/Patient-0.ndjson", "0x1");
        String otherAudience = token(eventGridClaims().audience("api://someone-else"));
        String otherIssuer = token(eventGridClaims().issuer("https://sts.windows.net/another-tenant/"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String otherKey = eventGridClaims().sign(generator.generateKeyPair().getPrivate());
        String expired = token(eventGridClaims().issuedAt(1_700_000_000L).expiresAt(1_700_000_300L));
        for (String bad : List.of(otherAudience, otherIssuer, otherKey, expired, "not-a-jwt")) {
            given().auth()
                    .oauth2(bad)
                    .contentType(ContentType.JSON)
                    .header("aeg-event-type", "Notification")
                    .body(body)
                    .when()
                    .post("/events/blob-created")
                    .then()
                    .statusCode(401);
        }
    }

    @Test
    void aValidTokenWithoutTheAppRoleOrFromAnotherClientIsRefusedWith403() {
        String noRole = token(eventGridClaims().claim("roles", List.of("SomethingElse")));
        given().auth()
                .oauth2(noRole)
                .contentType(ContentType.JSON)
                .header("aeg-event-type", "Notification")
                .body(NdjsonSplitterTest.eventGridBlobCreated("PutBlob", "exp-entra-role/Patient-0.ndjson", "0x1"))
                .when()
                .post("/events/blob-created")
                .then()
                .statusCode(403);
    }

    @Test
    void aValidTokenIsAcceptedWith202AndTheFileIsSplitThroughTheTopic() {
        String exportId = "exp-entra";
        String etag = NdjsonSplitterTest.upload(
                exportId + "/Patient-0.ndjson",
                (NdjsonSplitterTest.patient("x1", 1) + "\n").getBytes(StandardCharsets.UTF_8));

        given().auth()
                .oauth2(token(eventGridClaims()))
                .contentType(ContentType.JSON)
                .header("aeg-event-type", "Notification")
                .body(NdjsonSplitterTest.eventGridBlobCreated("PutBlob", exportId + "/Patient-0.ndjson", etag))
                .when()
                .post("/events/blob-created")
                .then()
                .statusCode(202)
                .body("forwarded", equalTo(1));

        assertThat(NdjsonSplitterTest.awaitSplit(exportId, "Patient").lineCount())
                .isEqualTo(1);
    }

    @Test
    void theHandshakesWorkWithTheProtectionOn() {
        given().auth()
                .oauth2(token(eventGridClaims()))
                .contentType(ContentType.JSON)
                .header("aeg-event-type", "SubscriptionValidation")
                .body(validation())
                .when()
                .post("/events/blob-created")
                .then()
                .statusCode(200)
                .body("validationResponse", equalTo("c0de-entra"));
        // CloudEvents abuse protection is consent, not authorization: answered with or without a token
        given().header("WebHook-Request-Origin", "eventgrid.azure.net")
                .when()
                .options("/events/blob-created")
                .then()
                .statusCode(200)
                .header("WebHook-Allowed-Origin", equalTo("eventgrid.azure.net"));
        given().auth()
                .oauth2(token(eventGridClaims()))
                .header("WebHook-Request-Origin", "eventgrid.azure.net")
                .when()
                .options("/events/blob-created")
                .then()
                .statusCode(200)
                .header("WebHook-Allowed-Origin", equalTo("eventgrid.azure.net"));
    }
}
