package io.fhirpipe.testsupport.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobServiceClientBuilder;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.testsupport.broker.AmqpTestClient;
import io.fhirpipe.testsupport.broker.ArtemisNames;
import io.fhirpipe.testsupport.broker.EmbeddedArtemis;
import io.fhirpipe.testsupport.broker.ReceivedMessage;
import io.fhirpipe.testsupport.storage.Azurite;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The test resources with a real Quarkus application (src/test/.../app) on the Quarkus AMQP
 * connector: it connects with the configuration the resource returns, consumes a subscription
 * through its FQQN, publishes to a topic, and a nacked message is dead-lettered by the broker.
 */
@QuarkusTest
@WithTestResource(
        value = ArtemisTestResource.class,
        initArgs = {
            @ResourceArg(name = ArtemisTestResource.MAX_DELIVERY_COUNT, value = "2"),
            @ResourceArg(name = ArtemisTestResource.REDELIVERY_DELAY_MS, value = "0")
        })
@WithTestResource(AzuriteTestResource.class)
class QuarkusTestResourcesTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @InjectArtemis
    EmbeddedArtemis broker;

    @InjectArtemis
    AmqpTestClient client;

    @InjectAzurite
    Azurite azurite;

    @ConfigProperty(name = AzuriteTestResource.CONNECTION_STRING)
    String connectionString;

    @Test
    void theConnectorConsumesASubscriptionAndPublishesToATopic() {
        client.send(Topics.CHUNK_READY, "hello");

        ReceivedMessage published = client.receive(
                        ArtemisNames.consumerAddress(Topics.CHUNK_LOADED, Subscriptions.EXPORT_TRACKER), WAIT)
                .orElseThrow();
        assertThat(published.body()).isEqualTo("HELLO");
        assertThat(published.durable()).isTrue();
    }

    @Test
    void aMessageTheServiceKeepsFailingIsDeadLetteredAfterTheOverriddenMaxDeliveryCount() {
        assertThat(broker.topology()
                        .subscription(Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER)
                        .maxDeliveryCount())
                .isEqualTo(2);

        client.send(Topics.CHUNK_READY, "please fail");

        ReceivedMessage deadLetter = client.receive(ArtemisNames.deadLetterQueue(Topics.CHUNK_READY), WAIT)
                .orElseThrow();
        assertThat(deadLetter.body()).isEqualTo("please fail");
        assertThat(client.receive(
                        ArtemisNames.consumerAddress(Topics.CHUNK_LOADED, Subscriptions.EXPORT_TRACKER),
                        Duration.ofMillis(500)))
                .isEmpty();
    }

    @Test
    void theStorageConnectionStringReachesTheInjectedAzurite() {
        assertThat(connectionString).isEqualTo(azurite.connectionString());

        new BlobServiceClientBuilder()
                .connectionString(connectionString)
                .buildClient()
                .createBlobContainer("state");

        assertThat(azurite.blobServiceClient().getBlobContainerClient("state").exists())
                .isTrue();
    }
}
