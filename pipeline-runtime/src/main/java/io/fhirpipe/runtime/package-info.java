package io.fhirpipe.runtime;
