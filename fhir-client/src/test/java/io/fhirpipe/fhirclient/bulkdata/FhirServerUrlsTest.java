package io.fhirpipe.fhirclient.bulkdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.fhirclient.config.DeleteDetection;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FhirServerUrlsTest {

    private static final String BASE = "http://127.0.0.1:8090/fhir";
    private final FhirServer server = new FhirServer(
            "hapi",
            URI.create(BASE),
            ServerFlavor.STANDARD,
            false,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            null,
            DeleteDetection.MANIFEST);

    @Test
    void acceptsUrlsUnderTheBasePath() {
        assertThat(server.owns(BASE + "/$export-poll-status?_jobId=1")).isTrue();
        assertThat(server.owns(BASE)).isTrue();
    }

    @Test
    void rejectsOtherOriginsAndPrefixLookalikes() {
        assertThat(server.owns("https://127.0.0.1:8090/fhir/x")).isFalse();
        assertThat(server.owns("http://127.0.0.1:8091/fhir/x")).isFalse();
        assertThat(server.owns("http://127.0.0.1/fhir/x")).isFalse();
        assertThat(server.owns("http://169.254.169.254/fhir/x")).isFalse();
        assertThat(server.owns("http://127.0.0.1:8090/fhirx/x")).isFalse();
        assertThat(server.owns("http://127.0.0.1:8090/other")).isFalse();
        assertThat(server.owns("http://127.0.0.1:8090/fhir/../admin")).isFalse();
        assertThat(server.owns("http://user@127.0.0.1:8090/fhir/x")).isFalse();
        assertThat(server.owns("http://user:pw@127.0.0.1:8090/fhir/x")).isFalse();
        assertThat(server.owns("ftp://127.0.0.1:8090/fhir/x")).isFalse();
        assertThat(server.owns("/fhir/x")).isFalse();
        assertThat(server.owns("not a url")).isFalse();
        assertThat(server.owns(null)).isFalse();
    }

    @Test
    void encodedDotSegmentsAreDecodedAndRemovedBeforeTheComparison() {
        for (String escape : new String[] {"%2e%2e", "%2E%2E", ".%2e", "%2e.", "%2e%2E"}) {
            assertThatThrownBy(() -> server.checked(BASE + "/" + escape + "/stub"))
                    .as(escape)
                    .isInstanceOf(ForeignUrlException.class)
                    .hasMessageContaining("base path /fhir")
                    .hasMessageContaining("\"/stub\"");
        }
        assertThat(server.owns(BASE + "/a/%2e%2e/%2e%2e/stub")).isFalse();
        assertThat(server.owns(BASE + "/%2e%2e")).isFalse();
        assertThat(server.owns(BASE + "/%2e%2e/fhir/x"))
                .isTrue()
                .as("normalised it is under the base again, and that is what is fetched");
        assertThat(server.checked(BASE + "/%2e%2e/fhir/x")).isEqualTo(URI.create(BASE + "/x"));
    }

    @Test
    void whatIsCheckedIsTheNormalisedUrlThatGetsFetched() {
        assertThat(server.checked(BASE + "/./status/../$export-poll-status?_jobId=a%2Fb"))
                .isEqualTo(URI.create(BASE + "/$export-poll-status?_jobId=a%2Fb"));
        assertThat(server.checked("HTTP://127.0.0.1:8090/fhir/Binary/%2e1#frag"))
                .isEqualTo(URI.create(BASE + "/Binary/.1"));
        assertThat(server.checked(BASE + "/Binary/a%20b")).isEqualTo(URI.create(BASE + "/Binary/a%20b"));
    }

    @Test
    void escapesThatCouldBeReadTwoWaysAreRefused() {
        assertThatThrownBy(() -> server.checked(BASE + "/%2e%2e%2fstub"))
                .isInstanceOf(ForeignUrlException.class)
                .hasMessageContaining("encoded slash");
        assertThatThrownBy(() -> server.checked(BASE + "/..%5cstub"))
                .isInstanceOf(ForeignUrlException.class)
                .hasMessageContaining("encoded slash or backslash");
        assertThatThrownBy(() -> server.checked(BASE + "/%252e%252e/stub"))
                .isInstanceOf(ForeignUrlException.class)
                .hasMessageContaining("encoded percent");
        assertThatThrownBy(() -> server.checked(BASE + "/..;/stub"))
                .isInstanceOf(ForeignUrlException.class)
                .hasMessageContaining("dot segment with parameters");
        assertThatThrownBy(() -> server.checked(BASE + "/x%0aHost:%20evil"))
                .isInstanceOf(ForeignUrlException.class)
                .hasMessageContaining("encoded control character");
        assertThatThrownBy(() -> server.checked(BASE + "\\..\\stub"))
                .isInstanceOf(ForeignUrlException.class)
                .hasMessageContaining("backslash");
        assertThatThrownBy(() -> server.checked(BASE + "/%zz")).isInstanceOf(ForeignUrlException.class);
    }

    @Test
    void theReasonShowsTheUrlEscapedAndWithoutItsQuery() {
        assertThatThrownBy(() -> server.checked("http://169.254.169.254/fhir/x\u2028?sig=secret"))
                .isInstanceOf(ForeignUrlException.class)
                .hasMessageNotContaining("secret")
                .hasMessageNotContaining("\u2028");
        assertThatThrownBy(() -> server.checked("http://169.254.169.254/latest?sig=secret"))
                .hasMessageContaining("\"http://169.254.169.254/latest?…\"")
                .hasMessageNotContaining("secret");
    }
}
