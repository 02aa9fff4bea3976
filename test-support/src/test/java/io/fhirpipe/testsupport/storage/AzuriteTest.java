package io.fhirpipe.testsupport.storage;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AzuriteTest {

    private static final String NDJSON = "{\"resourceType\":\"Patient\",\"id\":\"p1\"}\n{\"resourceType\":\"Patient\",\"id\":\"p2\"}\n";

    @TempDir
    Path temp;

    @Test
    void servesTheBlobApiUntilStoppedThenFreesItsPortAndFolder() throws IOException {
        long t0 = System.nanoTime();
        Azurite azurite = Azurite.start();
        System.out.println("Azurite started in " + (System.nanoTime() - t0) / 1_000_000 + " ms on " + azurite.blobEndpoint());
        Path scratch;
        try {
            assertThat(azurite.blobEndpoint()).isEqualTo("http://127.0.0.1:" + azurite.blobPort() + "/devstoreaccount1");
            assertThat(azurite.accountName()).isEqualTo("devstoreaccount1");
            assertThat(azurite.connectionString()).contains("AccountName=devstoreaccount1", "BlobEndpoint=" + azurite.blobEndpoint());
            assertThat(azurite.toString()).doesNotContain("AccountKey").doesNotContain("Eby8");
            scratch = azurite.scratchDirectory();
            assertThat(scratch).isDirectory();

            BlobServiceClient service = azurite.blobServiceClient();
            BlobContainerClient landing = service.createBlobContainer("landing");
            landing.getBlobClient("export-1/Patient-1.ndjson").upload(BinaryData.fromString(NDJSON));
            landing.getBlobClient("export-1/Observation-1.ndjson").upload(BinaryData.fromString("{}\n"));

            assertThat(landing.getBlobClient("export-1/Patient-1.ndjson").downloadContent().toString()).isEqualTo(NDJSON);
            assertThat(landing.listBlobs().stream().map(BlobItem::getName))
                    .containsExactlyInAnyOrder("export-1/Patient-1.ndjson", "export-1/Observation-1.ndjson");
            assertThat(service.listBlobContainers().stream().map(c -> c.getName())).containsExactly("landing");
        } finally {
            azurite.stop();
        }

        assertThat(azurite.isRunning()).isFalse();
        assertThatThrownBy(() -> new Socket("127.0.0.1", azurite.blobPort()).close()).isInstanceOf(IOException.class);
        assertThat(scratch).doesNotExist();
        azurite.stop(); // idempotent
    }

    @Test
    void keepsBlobsAcrossARestartOnTheSameDataDirectory() {
        Path data = temp.resolve("azurite-data");
        try (Azurite azurite = Azurite.builder().dataDirectory(data).start()) {
            azurite.blobServiceClient().createBlobContainer("state").getBlobClient("watermark.json")
                    .upload(BinaryData.fromString("{\"since\":\"2026-01-01T00:00:00Z\"}"));
        }
        assertThat(data).isNotEmptyDirectory();
        try (Azurite azurite = Azurite.builder().dataDirectory(data).start()) {
            assertThat(azurite.blobServiceClient().getBlobContainerClient("state").getBlobClient("watermark.json")
                    .downloadContent().toString()).isEqualTo("{\"since\":\"2026-01-01T00:00:00Z\"}");
        }
    }

    @Test
    void aLauncherThatExitsEarlyFailsTheStartWithItsOutput() throws IOException {
        Path fake = temp.resolve("azurite-blob");
        Files.writeString(fake, "#!/bin/sh\necho \"cannot start: missing thing\"\nexit 3\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        System.setProperty(AzuriteInstallation.BIN_PROPERTY, fake.toString());
        try {
            assertThatThrownBy(Azurite::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited with code 3")
                    .hasMessageContaining("cannot start: missing thing");
        } finally {
            System.clearProperty(AzuriteInstallation.BIN_PROPERTY);
        }
    }

    @Test
    void anOverrideThatIsNotExecutableIsNamedInTheError() {
        System.setProperty(AzuriteInstallation.BIN_PROPERTY, temp.resolve("nothing-here").toString());
        try {
            assertThatThrownBy(Azurite::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("nothing-here")
                    .hasMessageContaining(AzuriteInstallation.BIN_PROPERTY);
        } finally {
            System.clearProperty(AzuriteInstallation.BIN_PROPERTY);
        }
    }
}
