package io.fhirpipe.sqlonfhir;
