package io.fhirpipe.exporttrigger.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.testsupport.security.AdminSecurityProfilesContract;
import io.smallrye.config.SmallRyeConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * This service's properties make admin security what every admin API's is (the contract's checks),
 * plus the trigger's own rules for dead letters.
 */
class SecurityProfilesTest extends AdminSecurityProfilesContract {

    @Test
    void aDeadLettersPeekIsForOperatorsOnlyAndItsCountsForReadersToo() {
        SmallRyeConfig config = config("servicebus", ENTRA);
        assertThat(config.getValue("quarkus.http.auth.permission.dead-letters.enabled", Boolean.class))
                .isTrue();
        assertThat(config.getValue("quarkus.http.auth.permission.dead-letters.paths", String.class))
                .isEqualTo("/dead-letters/*");
        assertThat(config.getValue("quarkus.http.auth.permission.dead-letters.policy", String.class))
                .isEqualTo("fhirpipe-operator");
        assertThat(config.getOptionalValue("quarkus.http.auth.permission.dead-letters.methods", String.class))
                .isEmpty();
        assertThat(config.getValue("quarkus.http.auth.permission.dead-letter-counts.paths", String.class))
                .isEqualTo("/dead-letters");
        assertThat(config.getValue("quarkus.http.auth.permission.dead-letter-counts.policy", String.class))
                .isEqualTo("fhirpipe-reader");

        SmallRyeConfig local = config("local", Map.of());
        assertThat(local.getValue("quarkus.http.auth.permission.dead-letters.enabled", Boolean.class))
                .isFalse();
        assertThat(local.getValue("quarkus.http.auth.permission.dead-letter-counts.enabled", Boolean.class))
                .isFalse();
    }
}
