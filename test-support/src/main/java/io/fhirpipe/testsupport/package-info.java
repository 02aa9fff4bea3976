package io.fhirpipe.testsupport;
