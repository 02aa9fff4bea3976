package io.fhirpipe.exporttrigger.deadletters;

/** How many dead letters one subscription holds: the shape of {@code GET /dead-letters} (the status page reads it). */
record DeadLetterCount(String topic, String subscription, long count) {}
