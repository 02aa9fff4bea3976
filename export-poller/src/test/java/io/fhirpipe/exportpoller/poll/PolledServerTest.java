package io.fhirpipe.exportpoller.poll;

import org.junit.jupiter.api.Test;

import io.fhirpipe.fhirclient.config.DeleteDetection;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class PolledServerTest {

    private final PolledServer server = new PolledServer("hapi", URI.create("http://127.0.0.1:8090/fhir"),
            Duration.ofSeconds(1), Duration.ofSeconds(1), null, DeleteDetection.MANIFEST);

    @Test
    void acceptsUrlsUnderTheBasePath() {
        assertThat(server.owns("http://127.0.0.1:8090/fhir/$export-poll-status?_jobId=1")).isTrue();
        assertThat(server.owns("http://127.0.0.1:8090/fhir")).isTrue();
    }

    @Test
    void rejectsOtherOriginsAndPrefixLookalikes() {
        assertThat(server.owns("https://127.0.0.1:8090/fhir/x")).isFalse();
        assertThat(server.owns("http://127.0.0.1:8091/fhir/x")).isFalse();
        assertThat(server.owns("http://169.254.169.254/fhir/x")).isFalse();
        assertThat(server.owns("http://127.0.0.1:8090/fhirx/x")).isFalse();
        assertThat(server.owns("http://127.0.0.1:8090/other")).isFalse();
        assertThat(server.owns("http://127.0.0.1:8090/fhir/../admin")).isFalse();
        assertThat(server.owns("http://user@127.0.0.1:8090/fhir/x")).isFalse();
        assertThat(server.owns("not a url")).isFalse();
    }
}
