package io.fhirpipe.exporttrigger.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.oneOf;
import static org.hamcrest.Matchers.startsWith;

import io.fhirpipe.exporttrigger.TriggerTestStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.security.PrivateKey;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The trigger with admin security on, as in the servicebus profile: every path needs a token with
 * the operator role (GET and HEAD: the reader or the operator role) except the probes and the
 * Prometheus scrape. Paths nothing serves yet are covered too, so endpoints added later are.
 */
@QuarkusTest
@TestProfile(LocalEntraId.Profile.class)
@QuarkusTestResource(value = TriggerTestStack.class, restrictToAnnotatedClass = false)
class AdminSecurityTest {

    private static final String INVALID_REQUEST = "{\"server\":\"hapi\",\"level\":\"no-such-level\"}";

    /** Injected by {@link LocalEntraId}: the key the service trusts. */
    PrivateKey signingKey;

    private String token(String... roles) {
        return LocalEntraId.claims(roles).sign(signingKey);
    }

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token);
    }

    /** Like every other 4xx of the admin API, a refusal is a problem. */
    private static ValidatableResponse refused(ValidatableResponse response, int status) {
        response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", startsWith("urn:fhirpipe:problem:"));
        return status == 401 ? response.header("WWW-Authenticate", startsWith("Bearer")) : response;
    }

    @Test
    void withoutATokenEveryAdminPathAndTheStatusPageAre401() {
        refused(given().when().get("/jobs").then(), 401).body("type", equalTo("urn:fhirpipe:problem:unauthorized"));
        given().when().get("/exports").then().statusCode(401);
        given().when().get("/exports/e-1").then().statusCode(401);
        refused(
                given().contentType(ContentType.JSON)
                        .body(INVALID_REQUEST)
                        .when()
                        .post("/exports")
                        .then(),
                401);
        given().when().delete("/exports/e-1").then().statusCode(401);
        given().contentType(ContentType.JSON)
                .when()
                .post("/jobs/catch-up/runs")
                .then()
                .statusCode(401);
        // the status page and its assets, the dead-letter tooling and whatever comes next
        for (String path : new String[] {
            "/",
            "/index.html",
            "/status.html",
            "/status.js",
            "/dead-letters",
            "/dead-letters/export-requested/export-trigger",
            "/q/openapi",
            "/no-such-path"
        }) {
            given().when().get(path).then().statusCode(401);
        }
        given().when().head("/").then().statusCode(401);
        given().when().options("/exports").then().statusCode(401);
    }

    @Test
    void probesAndTheScrapeNeedNoToken() {
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/health/ready").then().statusCode(200);
        given().when().get("/q/health/started").then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("# TYPE"));
    }

    @Test
    void aTokenTheServiceCannotTrustIs401() {
        String other = LocalEntraId.claims(LocalEntraId.OPERATOR)
                .sign(LocalEntraId.rsaKeys().getPrivate());
        refused(as(other).when().get("/jobs").then(), 401);
        // another app's token (aud), another tenant's (iss), an expired one, and no token at all
        as(LocalEntraId.claims(LocalEntraId.OPERATOR)
                        .audience("api://some-other-app")
                        .sign(signingKey))
                .when()
                .get("/jobs")
                .then()
                .statusCode(401);
        as(LocalEntraId.claims(LocalEntraId.OPERATOR)
                        .issuer("https://login.microsoftonline.com/another-tenant/v2.0")
                        .sign(signingKey))
                .when()
                .get("/jobs")
                .then()
                .statusCode(401);
        Instant past = Instant.now().minusSeconds(3600);
        as(LocalEntraId.claims(LocalEntraId.OPERATOR)
                        .issuedAt(past.minusSeconds(600))
                        .expiresAt(past)
                        .sign(signingKey))
                .when()
                .get("/jobs")
                .then()
                .statusCode(401);
        refused(as("not-a-jwt").when().get("/jobs").then(), 401);
    }

    @Test
    void aTokenWithoutTheRoleIs403() {
        String none = token();
        String elsewhere = token("Some.Other.Role");
        for (String t : new String[] {none, elsewhere}) {
            refused(as(t).when().get("/jobs").then(), 403).body("type", equalTo("urn:fhirpipe:problem:forbidden"));
            as(t).when().get("/").then().statusCode(403);
            as(t).contentType(ContentType.JSON)
                    .body(INVALID_REQUEST)
                    .when()
                    .post("/exports")
                    .then()
                    .statusCode(403);
            as(t).when().delete("/exports/e-1").then().statusCode(403);
        }
    }

    @Test
    void theReaderRoleReadsButChangesNothing() {
        String reader = token(LocalEntraId.READER);
        as(reader).when().get("/jobs").then().statusCode(200).contentType(ContentType.JSON);
        as(reader).when().get("/exports").then().statusCode(200);
        as(reader).when().get("/").then().statusCode(not(oneOf(401, 403)));
        as(reader)
                .contentType(ContentType.JSON)
                .body(INVALID_REQUEST)
                .when()
                .post("/exports")
                .then()
                .statusCode(403);
        refused(as(reader).when().delete("/exports/e-1").then(), 403);
        as(reader)
                .contentType(ContentType.JSON)
                .when()
                .post("/jobs/no-such-job/runs")
                .then()
                .statusCode(403);
    }

    @Test
    void aReaderSeesDeadLetterCountsButNotTheMessages() {
        String reader = token(LocalEntraId.READER);
        as(reader).when().get("/dead-letters").then().statusCode(200).contentType(ContentType.JSON);
        refused(
                as(reader)
                        .when()
                        .get("/dead-letters/export-requested/export-trigger")
                        .then(),
                403);
        as(reader)
                .when()
                .delete("/dead-letters/export-requested/export-trigger")
                .then()
                .statusCode(403);
        String operator = token(LocalEntraId.OPERATOR);
        as(operator)
                .when()
                .get("/dead-letters/export-requested/export-trigger")
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON);
    }

    @Test
    void theOperatorRoleGetsTheNormalAnswers() {
        String operator = token(LocalEntraId.OPERATOR);
        as(operator).when().get("/jobs").then().statusCode(200).body("name", org.hamcrest.Matchers.hasItem("catch-up"));
        as(operator).when().get("/exports").then().statusCode(200);
        as(operator).when().get("/").then().statusCode(not(oneOf(401, 403)));
        // Each answer comes from the resource itself, past the security check.
        as(operator)
                .contentType(ContentType.JSON)
                .body(INVALID_REQUEST)
                .when()
                .post("/exports")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        as(operator)
                .contentType(ContentType.JSON)
                .when()
                .post("/jobs/no-such-job/runs")
                .then()
                .statusCode(404)
                .body("detail", containsString("no-such-job"));
        as(operator)
                .when()
                .delete("/exports/e-does-not-exist")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        as(operator).when().get("/no-such-path").then().statusCode(404).body("status", equalTo(404));
    }
}
