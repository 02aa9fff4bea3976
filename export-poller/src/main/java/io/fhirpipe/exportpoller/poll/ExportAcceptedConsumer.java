package io.fhirpipe.exportpoller.poll;

import io.fhirpipe.exportpoller.messaging.PollerChannels;
import io.fhirpipe.model.events.ExportAccepted;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.runtime.messaging.IncomingBodies;
import io.fhirpipe.runtime.messaging.MessageSettlement;
import io.fhirpipe.runtime.messaging.MessageWork;
import io.fhirpipe.runtime.metrics.PipelineMetrics;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Consumes {@code export-accepted}: the trigger's export.accepted and the poller's own export.poll-due. */
@ApplicationScoped
class ExportAcceptedConsumer {

    public static final String CHANNEL = "export-accepted";

    @Inject
    ExportPoller poller;

    @Inject
    @Named(PollerChannels.EXPORT_ACCEPTED_SETTLEMENT)
    MessageSettlement settlement;

    @Incoming(CHANNEL)
    @Blocking(ordered = false)
    public CompletionStage<Void> consume(Message<Object> message) {
        try (MessageWork ignored = MessageWork.start(message, CHANNEL)) {
            return process(message);
        }
    }

    private CompletionStage<Void> process(Message<Object> message) {
        try {
            String body = IncomingBodies.text(message);
            @SuppressWarnings("unchecked")
            CloudEvent<ExportAccepted> event = (CloudEvent<ExportAccepted>)
                    (CloudEvent<?>) MessageCodec.decode(body, MessageType.EXPORT_ACCEPTED, MessageType.EXPORT_POLL_DUE);
            PipelineMetrics.StageTimer timer = PipelineMetrics.time("poll");
            try {
                poller.handle(event.data());
            } catch (RuntimeException failure) {
                timer.stop("failed");
                throw failure;
            }
            timer.stop("ok");
            return settlement.settle(message, null);
        } catch (RuntimeException failure) {
            return settlement.settle(message, failure);
        }
    }
}
