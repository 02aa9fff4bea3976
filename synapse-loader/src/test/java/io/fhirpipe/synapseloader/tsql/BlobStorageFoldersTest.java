package io.fhirpipe.synapseloader.tsql;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import io.fhirpipe.testsupport.storage.Azurite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The serverless dialect's folder operations on a real Azurite. */
class BlobStorageFoldersTest {

    static Azurite azurite;
    static BlobStorageFolders folders;

    @BeforeAll
    static void start() {
        azurite = Azurite.start();
        folders = new BlobStorageFolders(azurite.blobServiceClient());
    }

    @AfterAll
    static void stop() {
        azurite.close();
    }

    @Test
    void aFolderHoldsFilesOnlyOnceOneIsWrittenUnderItAndDeletingItLeavesItsNeighbours() {
        assertThat(folders.holdsFiles("curated/deleted/Patient/_seed/"))
                .as("no container yet")
                .isFalse();
        BlobContainerClient curated = azurite.blobServiceClient().getBlobContainerClient("curated");
        curated.create();
        assertThat(folders.holdsFiles("curated/deleted/Patient/_seed/")).isFalse();
        curated.getBlobClient("deleted/Patient/_seed/part-0.parquet").upload(BinaryData.fromString("x"));
        curated.getBlobClient("deleted/Patient/c1/a1/1/part-0.parquet").upload(BinaryData.fromString("y"));
        assertThat(folders.holdsFiles("curated/deleted/Patient/_seed/")).isTrue();
        assertThat(folders.holdsFiles("curated/deleted/Observation/_seed/")).isFalse();

        folders.deleteFolder("curated/deleted/Patient/_seed/");
        assertThat(folders.holdsFiles("curated/deleted/Patient/_seed/")).isFalse();
        assertThat(folders.holdsFiles("curated/deleted/Patient/c1/")).isTrue();
    }

    @Test
    void theScreenedCopyOfAChunkIsWrittenOverAnyEarlierOneAndDeletedAlone() throws Exception {
        BlobContainerClient chunks = azurite.blobServiceClient().getBlobContainerClient("chunks");
        chunks.createIfNotExists();
        chunks.getBlobClient("e1/Patient-0/000000.ndjson").upload(BinaryData.fromString("whole\n"));
        java.nio.file.Path file = java.nio.file.Files.createTempFile("screened-", ".ndjson");
        try {
            java.nio.file.Files.writeString(file, "first\n");
            folders.upload("chunks", "e1/Patient-0/\"0x8DC\"/000000.screened-a1.ndjson", file);
            java.nio.file.Files.writeString(file, "accepted\n");
            folders.upload("chunks", "e1/Patient-0/\"0x8DC\"/000000.screened-a1.ndjson", file);
            assertThat(chunks.getBlobClient("e1/Patient-0/\"0x8DC\"/000000.screened-a1.ndjson")
                            .downloadContent()
                            .toString())
                    .isEqualTo("accepted\n");

            folders.deleteFile("chunks", "e1/Patient-0/\"0x8DC\"/000000.screened-a1.ndjson");
            folders.deleteFile("chunks", "e1/Patient-0/\"0x8DC\"/000000.screened-a1.ndjson"); // already gone: fine
            assertThat(chunks.getBlobClient("e1/Patient-0/\"0x8DC\"/000000.screened-a1.ndjson")
                            .exists())
                    .isFalse();
            assertThat(chunks.getBlobClient("e1/Patient-0/000000.ndjson").exists())
                    .isTrue();
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
