package io.fhirpipe.synapseloader.security;

import io.fhirpipe.synapseloader.LoaderTestStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URL;
import java.util.Collections;
import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Outside the servicebus profile: no token is asked for, and only this machine reaches the API. */
@QuarkusTest
@QuarkusTestResource(value = LoaderTestStack.class, restrictToAnnotatedClass = false)
class LocalBindingTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void theAdminApiIsOpenAndAnyAuthorizationHeaderIsIgnored() {
        given().when().get("/warehouse/tables").then().statusCode(200);
        // OIDC is present but off: a header it would reject in the servicebus profile changes nothing.
        given().auth().oauth2("not-a-jwt").when().get("/warehouse/tables").then().statusCode(200);
    }

    @Test
    void theServerListensOnLoopbackOnly() throws IOException {
        assertThat(ConfigProvider.getConfig().getValue("quarkus.http.host", String.class)).isEqualTo("127.0.0.1");
        int port = root.getPort();
        try (Socket loopback = new Socket()) {
            loopback.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        }
        Optional<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
        Assumptions.assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address");
        assertThatThrownBy(() -> {
            try (Socket outside = new Socket()) {
                outside.connect(new InetSocketAddress(external.get(), port), 2000);
            }
        }).isInstanceOf(ConnectException.class);
    }
}
