package io.fhirpipe.exporttrigger.kickoff;

import io.fhirpipe.exporttrigger.config.TriggerConfig;
import io.fhirpipe.exporttrigger.messaging.TriggerChannels;
import io.fhirpipe.exporttrigger.state.KickoffClaimStore;
import io.fhirpipe.fhirclient.bulkdata.FhirServers;
import io.fhirpipe.model.validation.ExportRequestValidator;
import io.fhirpipe.runtime.failure.RetryBackoff;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.state.ExportRunStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the kick-off from configuration with plain constructor calls. */
@ApplicationScoped
class KickoffBeans {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    FhirServers fhirServers(TriggerConfig config) {
        return FhirServers.from(config.servers());
    }

    @Produces
    @Singleton
    ExportRequestValidator exportRequestValidator(FhirServers servers) {
        return new ExportRequestValidator(servers.names());
    }

    @Produces
    @Singleton
    ExportKickoff exportKickoff(
            TriggerConfig config,
            FhirServers servers,
            ExportRunStore runs,
            KickoffClaimStore claims,
            @Named(TriggerChannels.EXPORT_REQUESTED_OUT) CloudEventPublisher requested,
            @Named(TriggerChannels.EXPORT_ACCEPTED_OUT) CloudEventPublisher accepted,
            @Named(TriggerChannels.EXPORT_FAILED_OUT) CloudEventPublisher failed,
            Clock clock) {
        TriggerConfig.Kickoff kickoff = config.kickoff();
        return new ExportKickoff(
                servers,
                runs,
                claims,
                requested,
                accepted,
                failed,
                new RetryBackoff(kickoff.minRetryDelay(), kickoff.maxRetryDelay()),
                kickoff.maxAttempts(),
                clock);
    }
}
