package io.fhirpipe.runtime.servicebus;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one channel's attributes ({@code mp.messaging.<direction>.<channel>.<attribute>}), naming what is wrong. */
final class ChannelAttributes {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final String channel;
    private final Function<String, Optional<String>> attributes;

    ChannelAttributes(String channel, Function<String, Optional<String>> attributes) {
        this.channel = channel;
        this.attributes = attributes;
    }

    String channel() {
        return channel;
    }

    String required(String name) {
        return attributes
                .apply(name)
                .filter(v -> !v.isBlank())
                .orElseThrow(() -> new IllegalStateException("channel " + channel + " (connector "
                        + ServiceBusConnector.NAME + ") needs the attribute " + name));
    }

    int integer(String name, int defaultValue) {
        Optional<String> value = attributes.apply(name).filter(v -> !v.isBlank());
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.get().trim());
        } catch (NumberFormatException e) {
            throw invalid(name, value.get(), "a whole number");
        }
    }

    /** {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 1d} or ISO-8601 ({@code PT30M}), as in Quarkus. */
    Duration duration(String name, Duration defaultValue) {
        Optional<String> value = attributes.apply(name).filter(v -> !v.isBlank());
        if (value.isEmpty()) {
            return defaultValue;
        }
        String text = value.get().trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(text);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(value.get().trim());
        } catch (RuntimeException e) {
            throw invalid(name, value.get(), "a duration such as 10s, 5m or PT30M");
        }
    }

    private IllegalStateException invalid(String name, String value, String expected) {
        return new IllegalStateException(
                "channel " + channel + ": attribute " + name + " is '" + value + "'; expected " + expected);
    }
}
