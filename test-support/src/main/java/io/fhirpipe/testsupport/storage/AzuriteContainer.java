package io.fhirpipe.testsupport.storage;

import com.azure.storage.blob.BlobContainerClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Azurite per test class with one container made in it, for tests of code that keeps documents
 * in storage: {@code @RegisterExtension static final AzuriteContainer STATE = new AzuriteContainer("state");}
 */
public final class AzuriteContainer implements BeforeAllCallback, AfterAllCallback {

    private final String name;
    private Azurite azurite;
    private BlobContainerClient container;

    public AzuriteContainer(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        azurite = Azurite.start();
        container = azurite.blobServiceClient().getBlobContainerClient(name);
        container.createIfNotExists();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (azurite != null) {
            azurite.close();
        }
    }

    public BlobContainerClient container() {
        return container;
    }

    public Azurite azurite() {
        return azurite;
    }
}
