package io.fhirpipe.ndjsonsplitter.webhook;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A webhook that must check Entra ID tokens but is not told whose refuses to start rather than run open. */
class WebhookAccessTest {

    private static WebhookAccess access(boolean enabled, boolean required, String tenant, String audience) {
        return access(enabled, required, tenant, audience, true);
    }

    private static WebhookAccess access(
            boolean enabled, boolean required, String tenant, String audience, boolean oidcOn) {
        WebhookAccess access = new WebhookAccess();
        access.oidcOn = oidcOn;
        access.config = new WebhookConfig() {
            @Override
            public boolean enabled() {
                return enabled;
            }

            @Override
            public int maxBodyBytes() {
                return 65536;
            }

            @Override
            public Duration publishTimeout() {
                return Duration.ofSeconds(10);
            }

            @Override
            public Entra entra() {
                return new Entra() {
                    @Override
                    public boolean required() {
                        return required;
                    }

                    @Override
                    public Optional<String> tenantId() {
                        return Optional.ofNullable(tenant);
                    }

                    @Override
                    public Optional<String> audience() {
                        return Optional.ofNullable(audience);
                    }

                    @Override
                    public String role() {
                        return "AzureEventGridSecureWebhookSubscriber";
                    }

                    @Override
                    public Optional<List<String>> clientIds() {
                        return Optional.empty();
                    }
                };
            }
        };
        return access;
    }

    @Test
    void onWithTheTokenCheckButWithoutTenantOrAudienceTheServiceDoesNotStart() {
        for (WebhookAccess access : List.of(
                access(true, true, null, "api://hook"),
                access(true, true, "t", null),
                access(true, true, " ", "api://hook"),
                access(true, true, "t", "api://hook", false))) {
            assertThatThrownBy(() -> access.checkConfiguration(null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("FHIRPIPE_ENTRA_TENANT_ID")
                    .hasMessageContaining("FHIRPIPE_EVENTGRID_WEBHOOK_ENABLED=false");
        }
    }

    @Test
    void offOrOpenOrFullyConfiguredItStarts() {
        assertThatCode(() -> access(false, true, null, null).checkConfiguration(null))
                .doesNotThrowAnyException();
        assertThatCode(() -> access(true, false, null, null).checkConfiguration(null))
                .doesNotThrowAnyException();
        assertThatCode(() -> access(true, true, "t", "api://hook").checkConfiguration(null))
                .doesNotThrowAnyException();
    }
}
