package io.fhirpipe.fhirclient.bulkdata;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OperationOutcomeTest {

    @Test
    void readsDiagnosticsElseDetailsTextElseSeverityAndCode() {
        var issues = OperationOutcome.issues("""
                {"resourceType":"OperationOutcome","issue":[
                  {"severity":"error","code":"processing","diagnostics":" bad _type "},
                  {"severity":"error","code":"invalid","details":{"text":"bad _since"}},
                  {"severity":"fatal","code":"exception"}]}""");

        assertThat(OperationOutcome.texts(issues)).containsExactly("bad _type", "bad _since", "fatal exception");
        assertThat(issues.get(2).diagnostics()).isNull();
    }

    @Test
    void anythingElseHasNoIssues() {
        assertThat(OperationOutcome.issues("{\"resourceType\":\"Bundle\"}")).isEmpty();
        assertThat(OperationOutcome.issues("<html>")).isEmpty();
        assertThat(OperationOutcome.issues("")).isEmpty();
        assertThat(OperationOutcome.issues((String) null)).isEmpty();
    }

    @Test
    void transientOnlyWhenEveryIssueSaysTryAgain() {
        assertThat(OperationOutcome.isTransient(OperationOutcome.issues("""
                {"resourceType":"OperationOutcome","issue":[{"code":"throttled"},{"code":"timeout"}]}"""))).isTrue();
        assertThat(OperationOutcome.isTransient(OperationOutcome.issues("""
                {"resourceType":"OperationOutcome","issue":[{"code":"throttled"},{"code":"invalid"}]}"""))).isFalse();
        assertThat(OperationOutcome.isTransient(java.util.List.of())).isFalse();
    }
}
