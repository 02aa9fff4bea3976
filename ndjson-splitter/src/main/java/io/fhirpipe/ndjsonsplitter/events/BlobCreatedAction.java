package io.fhirpipe.ndjsonsplitter.events;

import io.fhirpipe.model.storage.LandingBlob;

/** What to do with one storage event: split a landing file (one generation of it), or nothing. */
public sealed interface BlobCreatedAction {

    record Split(LandingBlob blob, String etag) implements BlobCreatedAction {}

    record Ignore(String why) implements BlobCreatedAction {}
}
