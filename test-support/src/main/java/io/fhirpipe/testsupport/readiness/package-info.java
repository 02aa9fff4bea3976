/**
 * Readiness under outages, shared by the services' readiness tests: {@link
 * io.fhirpipe.testsupport.readiness.OutageStack} is the stack whose dependencies a test stops for
 * real, {@link io.fhirpipe.testsupport.readiness.Outages} what readiness must do meanwhile. Each
 * service's test adds only what its own readiness reports.
 */
package io.fhirpipe.testsupport.readiness;
