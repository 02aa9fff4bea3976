package io.fhirpipe.testsupport.storage;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * For {@link AzuriteTest}: a JVM that starts Azurite on a data directory, writes a state document
 * several times, prints {@code WRITTEN port=<port> pid=<pid>} and waits to be killed.
 */
public final class AzuriteInChildJvm {

    static final Pattern WRITTEN = Pattern.compile("WRITTEN port=(\\d+) pid=(\\d+)");

    private AzuriteInChildJvm() {}

    public static void main(String[] args) throws InterruptedException {
        Azurite azurite = Azurite.builder().dataDirectory(Path.of(args[0])).start();
        BlobContainerClient state = azurite.blobServiceClient().createBlobContainer("state");
        for (int version = 1; version <= 5; version++) {
            state.getBlobClient("run.json").upload(BinaryData.fromString(AzuriteTest.runRecord(1, version)), true);
        }
        System.out.println("WRITTEN port=" + azurite.blobPort() + " pid=" + azurite.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
