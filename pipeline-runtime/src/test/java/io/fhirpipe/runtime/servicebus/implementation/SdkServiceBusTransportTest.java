package io.fhirpipe.runtime.servicebus.implementation;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.fhirpipe.runtime.servicebus.ServiceBusSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The mapping onto the SDK's own types, without a namespace: clients are built (nothing connects
 * before a send or a start), and a message keeps every field fhirpipe sets.
 */
class SdkServiceBusTransportTest {

    static final ServiceBusSettings EMULATOR = new ServiceBusSettings(
            null,
            "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;"
                    + "UseDevelopmentEmulator=true;",
            null);

    @Test
    void aMessageKeepsItsIdContentTypeSubjectAndApplicationProperties() {
        ServiceBusMessage sdk = SdkServiceBusTransport.toSdk(new OutgoingServiceBusMessage(
                "e1",
                "{}".getBytes(),
                "application/cloudevents+json; charset=utf-8",
                "Observation",
                "c1",
                Map.of("resourceType", "Observation", "fhirpipe-previous-deliveries", 3)));
        assertThat(sdk.getMessageId()).isEqualTo("e1");
        assertThat(sdk.getContentType()).isEqualTo("application/cloudevents+json; charset=utf-8");
        assertThat(sdk.getSubject()).isEqualTo("Observation");
        assertThat(sdk.getCorrelationId()).isEqualTo("c1");
        assertThat(sdk.getApplicationProperties())
                .containsEntry("resourceType", "Observation")
                .containsEntry("fhirpipe-previous-deliveries", 3);
        assertThat(sdk.getBody().toString()).isEqualTo("{}");
    }

    @Test
    void sendersAndProcessorsAreBuiltFromOneBuilderAndReusedPerEntity() {
        try (SdkServiceBusTransport transport = SdkServiceBusTransport.connect(EMULATOR.clientBuilder())) {
            assertThat(transport.sender("chunk-ready")).isSameAs(transport.sender("chunk-ready"));
            assertThat(transport.sender("chunk-ready.dead-letter")).isNotSameAs(transport.sender("chunk-ready"));
            // the SDK accepts the processor options the connector uses (peek-lock, no auto-complete, prefetch 0)
            TransportProcessor processor = transport.processor(
                    new ProcessorSettings("chunk-ready", "synapse-loader", 0, 2, Duration.ofMinutes(30)),
                    delivery -> {},
                    error -> {});
            processor.close();
        }
    }

    @Test
    void aNamespaceBuildsWithDefaultAzureCredential() {
        try (SdkServiceBusTransport transport = SdkServiceBusTransport.connect(new ServiceBusSettings(
                        "fhirpipe-test.servicebus.windows.net", null, "11111111-2222-3333-4444-555555555555")
                .clientBuilder())) {
            assertThat(transport.sender("chunk-ready")).isNotNull();
        }
    }
}
