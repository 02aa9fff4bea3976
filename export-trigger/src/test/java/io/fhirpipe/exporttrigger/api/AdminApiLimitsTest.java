package io.fhirpipe.exporttrigger.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import io.fhirpipe.exporttrigger.TriggerTestStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the admin API refuses, and that every refusal is an {@code application/problem+json} body. */
@QuarkusTest
@QuarkusTestResource(value = TriggerTestStack.class, restrictToAnnotatedClass = false)
class AdminApiLimitsTest {

    private static final String VALID = "{\"server\":\"hapi\",\"level\":\"system\"}";

    static ValidatableResponse problem(ValidatableResponse response, int status) {
        return response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", startsWith("urn:fhirpipe:problem:"));
    }

    /** A syntactically valid export request padded with whitespace to {@code bytes}. */
    static String padded(int bytes) {
        return VALID + " ".repeat(bytes - VALID.length());
    }

    @Test
    void aBodyOverTheLimitIsA413Problem() {
        problem(
                        given().contentType(ContentType.JSON)
                                .body(padded(64 * 1024 + 1))
                                .when()
                                .post("/exports")
                                .then(),
                        413)
                .body("detail", equalTo("the request body is larger than 65536 bytes"));
        problem(
                given().contentType(ContentType.JSON)
                        .body(padded(10 * 1024 * 1024))
                        .when()
                        .post("/exports")
                        .then(),
                413);
        problem(
                given().contentType(ContentType.JSON)
                        .body(padded(11_500_000))
                        .when()
                        .post("/exports")
                        .then(),
                413);
        // Just under the limit is an ordinary request.
        given().contentType(ContentType.JSON)
                .body(padded(64 * 1024))
                .when()
                .post("/exports")
                .then()
                .statusCode(202);
    }

    @Test
    void aBodyOfUnknownLengthIsA411Problem() throws Exception {
        HttpResponse<String> chunked = postStreamed(HttpClient.Version.HTTP_1_1, VALID);
        assertThat(chunked.statusCode()).isEqualTo(411);
        assertThat(chunked.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(chunked.body()).contains("\"status\":411");
    }

    @Test
    void anHttp2BodyWithoutALengthIsReadUpToTheLimit() throws Exception {
        // HTTP/2 (h2c) frames a body without any length header: the JDK's own client sends an empty
        // POST (a job run) that way, so it must go through; a body past the limit is still refused.
        HttpClient http2 =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        URI runs = URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/jobs/unknown-job/runs");
        // a first request upgrades the connection to HTTP/2; the POST then goes over it
        http2.send(
                HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/jobs"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> empty = http2.send(
                HttpRequest.newBuilder(runs)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(empty.statusCode()).as(empty.body()).isEqualTo(404);
        assertThat(empty.body()).contains("unknown-job");

        HttpResponse<String> streamed = postStreamed(HttpClient.Version.HTTP_2, padded(200 * 1024));
        assertThat(streamed.statusCode()).isEqualTo(413);
    }

    private static HttpResponse<String> postStreamed(HttpClient.Version version, String body) throws Exception {
        return HttpClient.newBuilder()
                .version(version)
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/exports"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofInputStream(
                                        () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBodyThatIsNotJsonIsA415Problem() {
        problem(
                given().contentType(ContentType.TEXT)
                        .body(VALID)
                        .when()
                        .post("/exports")
                        .then(),
                415);
        problem(
                given().contentType("application/x-www-form-urlencoded")
                        .body(VALID)
                        .when()
                        .post("/exports")
                        .then(),
                415);
        given().contentType("application/json; charset=utf-8")
                .body(VALID)
                .when()
                .post("/exports")
                .then()
                .statusCode(202);
    }

    @Test
    void badQueryParametersAreA400ProblemNamingThem() {
        problem(given().when().get("/exports?size=abc").then(), 400).body("errors.field", hasItem("size"));
        problem(given().when().get("/exports?page=x&size=1").then(), 400).body("errors.field", hasItem("page"));
        problem(given().when().get("/exports?page=-1").then(), 400).body("errors.field", hasItem("page"));
        problem(given().when().get("/exports?size=201").then(), 400).body("errors.field", hasItem("size"));
        problem(given().when().get("/exports?page=99999999999").then(), 400).body("errors.field", hasItem("page"));
    }

    @Test
    void everyOther4xxIsAProblemToo() {
        problem(given().when().get("/no-such-path").then(), 404);
        problem(given().when().put("/exports").then(), 405);
        problem(given().when().delete("/jobs").then(), 405);
        problem(given().accept("text/html").when().get("/exports").then(), 406);
        problem(
                given().contentType(ContentType.JSON)
                        .body("{\"server\":")
                        .when()
                        .post("/exports")
                        .then(),
                400);
        problem(given().when().post("/jobs/no-such-job/runs").then(), 404);
        // a GET naming a Content-Type without a body (as some clients send) is an ordinary GET
        given().contentType(ContentType.JSON)
                .when()
                .get("/exports?size=1")
                .then()
                .statusCode(200);
        // the catch-all 404 leaves Quarkus' own endpoints alone
        given().when().get("/q/openapi").then().statusCode(200);
        given().when().get("/q/health/live").then().statusCode(200);
    }
}
