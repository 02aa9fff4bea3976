/**
 * A scriptable fake FHIR Bulk Data server that replays responses recorded from HAPI FHIR 8.8.0
 * (see {@link io.fhirpipe.testsupport.fixture.Fixtures}) and records the requests it gets.
 */
package io.fhirpipe.testsupport.fhir;
