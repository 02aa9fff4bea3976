package io.fhirpipe.fhirclient;
