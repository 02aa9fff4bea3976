package io.fhirpipe.testsupport.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordedResponseTest {

    @Test
    void parsesTheStatusLineAndKeepsOnlyHeadersThatDescribeTheResource() {
        RecordedResponse response = RecordedResponse.fixture("23-bad-type.kickoff");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.headers())
                .extracting(HttpHeader::name)
                .containsExactly("X-Powered-By", "X-Request-ID", "Content-Type");
        assertThat(response.header("content-type")).contains("application/fhir+json;charset=UTF-8");
        assertThat(response.rewriteRecordedBaseUrl()).isTrue();
    }

    @Test
    void takesTheManifestBodyFromTheJsonFile() {
        assertThat(RecordedResponse.fixture("03-system-manifest").bodyText()).contains("\"transactionTime\"");
        assertThat(RecordedResponse.fixture("02-system-poll-inprogress").body()).isEmpty();
    }

    @Test
    void rewritesRecordedBaseUrlsInHeadersAndBodyKeepingOtherBytes() {
        String body = "{\"url\":\"http://127.0.0.1:8090/fhir/Binary/1\",\"note\":\"caf\u00e9\"}";
        RecordedResponse served = RecordedResponse.json(200, body)
                .withHeader("Content-Location", "http://127.0.0.1:8080/fhir/$export-poll-status?_jobId=1")
                .rewritingRecordedBaseUrl()
                .servedFrom("http://127.0.0.1:1234/fhir");

        assertThat(served.header("Content-Location"))
                .contains("http://127.0.0.1:1234/fhir/$export-poll-status?_jobId=1");
        assertThat(new String(served.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"url\":\"http://127.0.0.1:1234/fhir/Binary/1\",\"note\":\"caf\u00e9\"}");
    }

    @Test
    void aHandBuiltResponseIsServedAsIsUnlessAskedToRewrite() {
        RecordedResponse handBuilt = RecordedResponse.json(200, "http://127.0.0.1:8080/fhir/x");
        assertThat(handBuilt.servedFrom("http://127.0.0.1:1/fhir").bodyText())
                .isEqualTo("http://127.0.0.1:8080/fhir/x");
    }

    @Test
    void theOperationOutcomeBodyIsValidJsonEvenWithQuotesInTheDiagnostics() {
        assertThat(RecordedResponse.operationOutcome(404, "not-found", "no \"x\"\n")
                        .bodyText())
                .isEqualTo(
                        "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\","
                                + "\"diagnostics\":\"no \\\"x\\\"\\n\"}]}");
    }

    @Test
    void aMissingFixtureIsNamedInTheError() {
        assertThatThrownBy(() -> RecordedResponse.fixture("99-nothing")).hasMessageContaining("99-nothing.headers");
    }
}
