/**
 * Real local components for tests: an embedded Artemis broker carrying the deployment topology
 * ({@code broker}), an Azurite blob service launched from npm ({@code storage}), a FHIR Bulk Data
 * server that replays responses recorded from HAPI FHIR ({@code fhir}, {@code fixture}), and
 * Quarkus test resources that start them for {@code @QuarkusTest} classes ({@code quarkus}).
 */
package io.fhirpipe.testsupport;
