package io.fhirpipe.synapseloader.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.oneOf;
import static org.hamcrest.Matchers.startsWith;

import io.fhirpipe.synapseloader.LoaderTestStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.security.PrivateKey;
import org.junit.jupiter.api.Test;

/**
 * The loader with admin security on, as in the servicebus profile: its warehouse endpoints and any
 * other path need a token with the reader or operator role (anything but GET and HEAD: the operator
 * role), except the probes and the Prometheus scrape.
 */
@QuarkusTest
@TestProfile(LocalEntraId.Profile.class)
@QuarkusTestResource(value = LoaderTestStack.class, restrictToAnnotatedClass = false)
class AdminSecurityTest {

    /** Injected by {@link LocalEntraId}: the key the service trusts. */
    PrivateKey signingKey;

    private String token(String... roles) {
        return LocalEntraId.claims(roles).sign(signingKey);
    }

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token);
    }

    @Test
    void withoutAValidTokenEveryPathButTheProbesAndTheScrapeIs401() {
        given().when().get("/warehouse/tables").then().statusCode(401).header("WWW-Authenticate", startsWith("Bearer"));
        for (String path : new String[] {
            "/warehouse/sample", "/warehouse/views/patient_view/last-updated?id=p1", "/", "/q/openapi", "/no-such-path"
        }) {
            given().when().get(path).then().statusCode(401);
        }
        given().contentType(ContentType.JSON)
                .body("{}")
                .when()
                .post("/warehouse/tables")
                .then()
                .statusCode(401);
        String otherKey = LocalEntraId.claims(LocalEntraId.OPERATOR)
                .sign(LocalEntraId.rsaKeys().getPrivate());
        as(otherKey).when().get("/warehouse/tables").then().statusCode(401);
        as(LocalEntraId.claims(LocalEntraId.OPERATOR)
                        .audience("api://some-other-app")
                        .sign(signingKey))
                .when()
                .get("/warehouse/tables")
                .then()
                .statusCode(401);

        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/health/ready").then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("# TYPE"));
    }

    @Test
    void aTokenWithoutTheRoleIs403() {
        as(token()).when().get("/warehouse/tables").then().statusCode(403);
        as(token("Some.Other.Role")).when().get("/warehouse/sample").then().statusCode(403);
    }

    @Test
    void readerAndOperatorReadTheWarehouseAndOnlyTheOperatorGetsPastTheRulesOtherwise() {
        for (String role : new String[] {LocalEntraId.READER, LocalEntraId.OPERATOR}) {
            as(token(role))
                    .when()
                    .get("/warehouse/tables")
                    .then()
                    .statusCode(200)
                    .body("$", hasKey("tables"));
        }
        as(token(LocalEntraId.READER))
                .contentType(ContentType.JSON)
                .body("{}")
                .when()
                .post("/warehouse/tables")
                .then()
                .statusCode(403);
        // the operator passes the rules; the resource itself has no POST
        as(token(LocalEntraId.OPERATOR))
                .contentType(ContentType.JSON)
                .body("{}")
                .when()
                .post("/warehouse/tables")
                .then()
                .statusCode(not(oneOf(401, 403)));
    }
}
