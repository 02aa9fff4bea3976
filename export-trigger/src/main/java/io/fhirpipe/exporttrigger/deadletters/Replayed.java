package io.fhirpipe.exporttrigger.deadletters;

/**
 * A dead letter sent back to its subscription.
 *
 * @param replayedAs the message id of the copy: its own, so Service Bus duplicate detection does not drop it
 * @param edited     whether the copy carried an edited body
 */
record Replayed(String topic, String subscription, String messageId, String replayedAs, boolean edited) {}
