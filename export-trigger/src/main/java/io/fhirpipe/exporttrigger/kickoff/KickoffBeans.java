package io.fhirpipe.exporttrigger.kickoff;

import io.fhirpipe.exporttrigger.config.TriggerConfig;
import io.fhirpipe.exporttrigger.fhir.BulkDataKickoffClient;
import io.fhirpipe.exporttrigger.fhir.FhirServerFactory;
import io.fhirpipe.exporttrigger.fhir.FhirServers;
import io.fhirpipe.exporttrigger.messaging.TriggerChannels;
import io.fhirpipe.model.validation.ExportRequestValidator;
import io.fhirpipe.runtime.failure.RetryBackoff;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.KickoffClaimStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;

/** Wires the kick-off from configuration with plain constructor calls. */
@ApplicationScoped
public class KickoffBeans {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    FhirServers fhirServers(TriggerConfig config) {
        return FhirServerFactory.create(config.servers());
    }

    @Produces
    @Singleton
    ExportRequestValidator exportRequestValidator(FhirServers servers) {
        return new ExportRequestValidator(servers.names());
    }

    @Produces
    @Singleton
    HttpClient httpClient() {
        // Redirects are not followed: a kick-off answer is read as the server gave it.
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Produces
    @Singleton
    ExportKickoff exportKickoff(TriggerConfig config, FhirServers servers, HttpClient http, ExportRunStore runs,
            KickoffClaimStore claims,
            @Named(TriggerChannels.EXPORT_REQUESTED_OUT) CloudEventPublisher requested,
            @Named(TriggerChannels.EXPORT_ACCEPTED_OUT) CloudEventPublisher accepted,
            @Named(TriggerChannels.EXPORT_FAILED_OUT) CloudEventPublisher failed, Clock clock) {
        TriggerConfig.Kickoff kickoff = config.kickoff();
        return new ExportKickoff(servers, new BulkDataKickoffClient(http, clock), runs, claims, requested, accepted, failed,
                new RetryBackoff(kickoff.minRetryDelay(), kickoff.maxRetryDelay()), kickoff.maxAttempts(), clock);
    }
}
