package io.fhirpipe.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** A failed span says what failed as a log line would, never what the failure's causes quote. */
class TracingFailureTest {

    @Test
    void aFailureIsRethrownAndRecordedWithItsOwnEscapedMessageButNotItsCauses() {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans))
                .build();
        var span = provider.get("test")
                .spanBuilder("work")
                .setSpanKind(SpanKind.INTERNAL)
                .startSpan();
        IOException failure =
                new IOException("storage refused\nforged line", new IllegalArgumentException("AccountKey=c2VjcmV0"));
        Tracing.failed(span, new CompletionException(failure));
        span.end();

        SpanData data = spans.getFinishedSpanItems().get(0);
        assertThat(data.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        EventData event = data.getEvents().get(0);
        assertThat(event.getAttributes().get(Tracing.EXCEPTION_TYPE)).isEqualTo(IOException.class.getName());
        assertThat(event.getAttributes().get(Tracing.EXCEPTION_MESSAGE)).isEqualTo("storage refused\\nforged line");
        assertThat(event.getAttributes().asMap().values())
                .noneMatch(v -> v.toString().contains("AccountKey"));
    }

    @Test
    void inSpanRethrowsWhatTheWorkThrew() {
        assertThatThrownBy(() -> Tracing.inSpan("work", SpanKind.INTERNAL, span -> {
                    throw new IOException("down");
                }))
                .isInstanceOf(IOException.class)
                .hasMessage("down");
    }
}
