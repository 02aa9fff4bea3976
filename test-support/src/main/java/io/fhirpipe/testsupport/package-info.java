/**
 * Real local components for tests: an embedded Artemis broker carrying the deployment topology
 * ({@code broker}), an Azurite blob service launched from npm ({@code storage}), a FHIR Bulk Data
 * server that replays responses recorded from HAPI FHIR ({@code fhir}, {@code fixture}), Quarkus
 * test resources that start them for {@code @QuarkusTest} classes ({@code quarkus}), the checks
 * every service's readiness and admin security tests share ({@code readiness}, {@code security}),
 * and the local stack that {@code ./fhirpipe run}, {@code load} and {@code faults} start as
 * processes ({@code stack}).
 */
package io.fhirpipe.testsupport;
