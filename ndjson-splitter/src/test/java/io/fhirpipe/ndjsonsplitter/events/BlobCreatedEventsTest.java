package io.fhirpipe.ndjsonsplitter.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.runtime.failure.PermanentFailure;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlobCreatedEventsTest {

    static final String ACCOUNT = "https://acct.blob.core.windows.net";
    static final BlobCreatedEvents EVENTS = new BlobCreatedEvents(new LandingUrlPolicy(ACCOUNT), 10);

    static String eventGrid(String api, String url) {
        return """
                {"topic":"/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/acct",
                 "subject":"/blobServices/default/containers/landing/blobs/x","eventType":"Microsoft.Storage.BlobCreated",
                 "id":"e1","dataVersion":"","metadataVersion":"1","eventTime":"2026-11-26T08:00:00Z",
                 "data":{"api":"%s","clientRequestId":"c","requestId":"r","eTag":"0x8DC0A1B2C3D4E5F",
                 "contentType":"application/x-ndjson","contentLength":524288,"blobType":"BlockBlob","url":"%s",
                 "sequencer":"00000000000004420000000000028963","storageDiagnostics":{"batchId":"b"}}}""".formatted(api, url);
    }

    static String cloudEvent(String api, String url) {
        return """
                {"specversion":"1.0","id":"c1","type":"Microsoft.Storage.BlobCreated",
                 "source":"/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/acct",
                 "subject":"/blobServices/default/containers/landing/blobs/x","time":"2026-11-26T08:00:00Z",
                 "data":{"api":"%s","eTag":"\\"0x8DC0A1B2C3D4E5F\\"","contentType":"application/x-ndjson",
                 "contentLength":1,"blobType":"BlockBlob","url":"%s"}}""".formatted(api, url);
    }

    @Test
    void moreEventsThanAMessageMayHoldAreRefusedBeforeAnyIsRead() {
        String ten = java.util.stream.IntStream.range(0, 10)
                .mapToObj(i -> eventGrid("PutBlob", ACCOUNT + "/landing/exp-1/Patient-" + i + ".ndjson"))
                .collect(java.util.stream.Collectors.joining(",", "[", "]"));
        assertThat(EVENTS.actions(ten)).hasSize(10);
        String eleven = ten.substring(0, ten.length() - 1) + "," + eventGrid("PutBlob", "https://evil.example/x") + "]";
        assertThatThrownBy(() -> EVENTS.actions(eleven)).isInstanceOfSatisfying(PermanentFailure.class, f -> {
            assertThat(f.reason()).isEqualTo(BlobCreatedEvents.TOO_MANY_EVENTS);
            assertThat(f.getMessage()).contains("11 events", "at most 10");
        });
    }

    @Test
    void anEncodedLineBreakInABlobNameIsRefusedAndValuesInReasonsAreEscaped() {
        assertThatThrownBy(() ->
                        EVENTS.actions(eventGrid("PutBlob", ACCOUNT + "/landing/exp-1%0aINFO%0d/Patient-0.ndjson")))
                .isInstanceOfSatisfying(
                        PermanentFailure.class, f -> assertThat(f.reason()).isEqualTo(LandingUrlPolicy.FOREIGN_URL))
                .hasMessageContaining("control character");
        List<BlobCreatedAction> ignored = EVENTS.actions(eventGrid("Put\\u2028Blob\\n", ACCOUNT + "/landing/x.ndjson"));
        assertThat(ignored)
                .singleElement()
                .isInstanceOfSatisfying(
                        BlobCreatedAction.Ignore.class,
                        i -> assertThat(i.why()).isEqualTo("api \"Put\\u2028Blob\\n\" does not mean a finished file"));
        assertThatThrownBy(() -> EVENTS.actions(eventGrid("PutBlob", ACCOUNT + "/landing/exp-1/Pat%22ient-0.ndjson")))
                .hasMessageContaining("\"landing/exp-1/Pat\\\"ient-0.ndjson\"");
    }

    @Test
    void eventGridSchemaPutBlobOfALandingFileIsSplit() {
        List<BlobCreatedAction> actions =
                EVENTS.actions(eventGrid("PutBlob", ACCOUNT + "/landing/exp-1/Patient-3.ndjson"));
        assertThat(actions).singleElement().isInstanceOfSatisfying(BlobCreatedAction.Split.class, s -> {
            assertThat(s.blob().exportId()).isEqualTo("exp-1");
            assertThat(s.blob().resourceType()).isEqualTo("Patient");
            assertThat(s.blob().fileIndex()).isEqualTo(3);
            assertThat(s.blob().gzip()).isFalse();
            assertThat(s.etag()).isEqualTo("0x8DC0A1B2C3D4E5F");
        });
    }

    @Test
    void cloudEventsSchemaAndGzipAndSubfoldersAndDfsHostAreAccepted() {
        List<BlobCreatedAction> actions = EVENTS.actions("["
                + cloudEvent(
                        "FlushWithClose",
                        "https://acct.dfs.core.windows.net/landing/exp-1/deleted/Observation-0.ndjson.gz")
                + "]");
        assertThat(actions).singleElement().isInstanceOfSatisfying(BlobCreatedAction.Split.class, s -> {
            assertThat(s.blob().kind()).isEqualTo(FileKind.DELETED);
            assertThat(s.blob().resourceType()).isEqualTo("Observation");
            assertThat(s.blob().gzip()).isTrue();
            assertThat(s.etag()).isEqualTo("\"0x8DC0A1B2C3D4E5F\"");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"PutBlockList", "CopyBlob"})
    void otherFinishingApisAreSplit(String api) {
        assertThat(EVENTS.actions(eventGrid(api, ACCOUNT + "/landing/e/Patient-1.ndjson")))
                .singleElement()
                .isInstanceOf(BlobCreatedAction.Split.class);
    }

    @Test
    void unfinishedWritesOtherContainersOtherNamesAndOtherTypesAreIgnored() {
        assertThat(EVENTS.actions(eventGrid("PutBlock", ACCOUNT + "/landing/e/Patient-1.ndjson")))
                .singleElement()
                .isInstanceOf(BlobCreatedAction.Ignore.class);
        assertThat(EVENTS.actions(eventGrid("CreateFile", ACCOUNT + "/landing/e/Patient-1.ndjson")))
                .singleElement()
                .isInstanceOf(BlobCreatedAction.Ignore.class);
        assertThat(EVENTS.actions(eventGrid("PutBlob", ACCOUNT + "/chunks/e/Patient-1/x/000000.ndjson")))
                .singleElement()
                .isInstanceOf(BlobCreatedAction.Ignore.class);
        assertThat(EVENTS.actions(eventGrid("PutBlob", ACCOUNT + "/landing/e/manifest.json")))
                .singleElement()
                .isInstanceOf(BlobCreatedAction.Ignore.class);
        assertThat(EVENTS.actions(eventGrid("PutBlob", ACCOUNT + "/landing/e/Patient-1.ndjson")
                        .replace("Microsoft.Storage.BlobCreated", "Microsoft.Storage.BlobDeleted")))
                .singleElement()
                .isInstanceOf(BlobCreatedAction.Ignore.class);
    }

    @Test
    void theExportsErrorFilesAreIgnoredWhileItsDeletedFilesAreSplit() {
        assertThat(EVENTS.actions(eventGrid("PutBlockList", ACCOUNT + "/landing/e/error/OperationOutcome-1.ndjson")))
                .singleElement()
                .isEqualTo(new BlobCreatedAction.Ignore(
                        "landing/e/error/OperationOutcome-1.ndjson is an error file of the export"));
        assertThat(EVENTS.actions(eventGrid("PutBlockList", ACCOUNT + "/landing/e/deleted/Bundle-1.ndjson")))
                .singleElement()
                .isInstanceOf(BlobCreatedAction.Split.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://evil.example.com/landing/exp-1/Patient-1.ndjson",
                "https://acct.blob.core.windows.net.evil.com/landing/exp-1/Patient-1.ndjson",
                "https://other.blob.core.windows.net/landing/exp-1/Patient-1.ndjson",
                "https://10.0.0.5/landing/exp-1/Patient-1.ndjson",
                "https://[::1]/landing/exp-1/Patient-1.ndjson",
                "https://acct.blob.core.windows.net/landing/exp-1/../../state/Patient-1.ndjson",
                "https://acct.blob.core.windows.net/landing/exp-1/%2e%2e/Patient-1.ndjson",
                "https://acct.blob.core.windows.net/landing/exp-1%2FPatient-1.ndjson",
                "https://acct.blob.core.windows.net/landing/exp-1/Patient-1.ndjson?sv=2024&sig=abc",
                "https://acct.blob.core.windows.net/landing/exp-1/Patient-1.ndjson#x",
                "https://user:pw@acct.blob.core.windows.net/landing/exp-1/Patient-1.ndjson",
                "http://acct.blob.core.windows.net/landing/exp-1/Patient-1.ndjson",
                "https://acct.blob.core.windows.net:8443/landing/exp-1/Patient-1.ndjson",
                "file:///etc/passwd",
                "not a url"
            })
    void aUrlOffTheAccountIsAPermanentFailure(String url) {
        assertThatThrownBy(() -> EVENTS.actions(eventGrid("PutBlob", url)))
                .isInstanceOfSatisfying(
                        PermanentFailure.class, f -> assertThat(f.reason()).isEqualTo(LandingUrlPolicy.FOREIGN_URL));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "exp-1/patient-1.ndjson",
                "exp-1/a/b/Patient-1.ndjson",
                "Patient-1.ndjson",
                "exp-1/Patient-01.ndjson",
                "exp-1/Patient.ndjson"
            })
    void aLandingNameOutsideTheLayoutIsAPermanentFailure(String name) {
        assertThatThrownBy(() -> EVENTS.actions(eventGrid("PutBlob", ACCOUNT + "/landing/" + name)))
                .isInstanceOfSatisfying(
                        PermanentFailure.class,
                        f -> assertThat(f.reason()).isEqualTo(BlobCreatedEvents.OUTSIDE_LAYOUT));
    }

    @Test
    void pathStyleEndpointsLikeAzuriteKeepTheAccountSegment() {
        BlobCreatedEvents azurite =
                new BlobCreatedEvents(new LandingUrlPolicy("http://127.0.0.1:10000/devstoreaccount1"), 10);
        assertThat(azurite.actions(
                        eventGrid("PutBlob", "http://127.0.0.1:10000/devstoreaccount1/landing/e/Patient-1.ndjson")))
                .singleElement()
                .isInstanceOf(BlobCreatedAction.Split.class);
        assertThatThrownBy(() -> azurite.actions(
                        eventGrid("PutBlob", "http://127.0.0.1:10000/otheraccount/landing/e/Patient-1.ndjson")))
                .isInstanceOf(PermanentFailure.class);
    }

    @Test
    void garbageIsAnInvalidMessage() {
        for (String body : List.of("not json", "42", "[]", "{\"hello\":1}")) {
            assertThatThrownBy(() -> EVENTS.actions(body))
                    .isInstanceOfSatisfying(
                            PermanentFailure.class, f -> assertThat(f.reason()).isEqualTo(BlobCreatedEvents.INVALID));
        }
    }

    /** What the webhook puts onto the topic: each event alone, in its own schema, with its own id. */
    @Test
    void eachEventOfABatchKeepsItsIdAndItsOwnJsonInEitherSchema() throws Exception {
        String url = ACCOUNT + "/landing/exp-1/Patient-0.ndjson";
        List<BlobCreatedEvents.StorageEvent> eventGrid = EVENTS.events("[" + eventGrid("PutBlob", url) + ","
                + eventGrid("PutBlock", url).replace("\"e1\"", "\"e2\"") + "]");
        assertThat(eventGrid).extracting(BlobCreatedEvents.StorageEvent::id).containsExactly("e1", "e2");
        assertThat(eventGrid.get(0).action()).isInstanceOf(BlobCreatedAction.Split.class);
        assertThat(eventGrid.get(1).action()).isInstanceOf(BlobCreatedAction.Ignore.class);
        // one event alone, read back by the same parser the topic consumer uses, means the same
        assertThat(EVENTS.actions(eventGrid.get(0).json()))
                .containsExactly(eventGrid.get(0).action());

        List<BlobCreatedEvents.StorageEvent> cloud = EVENTS.events("[" + cloudEvent("FlushWithClose", url) + "]");
        assertThat(cloud).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo("c1");
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree(e.json())
                            .path("specversion")
                            .asText())
                    .isEqualTo("1.0");
            assertThat(EVENTS.actions(e.json())).containsExactly(e.action());
        });
    }

    @Test
    void anArrayWithSomethingElseThanEventsIsInvalid() {
        String url = ACCOUNT + "/landing/exp-1/Patient-0.ndjson";
        for (String body :
                List.of("[" + eventGrid("PutBlob", url) + ",42]", "[" + cloudEvent("PutBlob", url) + ",{}]")) {
            assertThatThrownBy(() -> EVENTS.events(body))
                    .isInstanceOfSatisfying(
                            PermanentFailure.class, f -> assertThat(f.reason()).isEqualTo(BlobCreatedEvents.INVALID));
        }
    }
}
