package io.fhirpipe.testsupport.fhir;

import java.util.concurrent.CountDownLatch;

/**
 * A stand-in FHIR server for trying the local stack without one: it answers every Bulk Data
 * kick-off with HAPI FHIR 8.8.0's recorded 202 and every status poll with its recorded manifest.
 * It prints {@code FHIR base URL: ...} on standard output and runs until the process is stopped.
 */
public final class ReplayFhirServer {

    private ReplayFhirServer() {}

    public static void main(String[] args) throws InterruptedException {
        RecordedBulkDataServer server = RecordedBulkDataServer.start();
        RecordedResponse accepted = RecordedResponse.fixture("01-system-kickoff");
        for (String kickoff : new String[] {"/$export", "/Patient/$export", "/Group"}) {
            server.always("GET", kickoff, accepted);
            server.always("POST", kickoff, accepted);
        }
        server.always("GET", "/$export-poll-status", RecordedResponse.fixture("03-system-manifest"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "replay-fhir-shutdown"));
        System.out.println("FHIR base URL: " + server.baseUrl());
        System.out.flush();
        stopped.await();
    }
}
