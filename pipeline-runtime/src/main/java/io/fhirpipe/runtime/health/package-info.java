/**
 * The dependency checks behind the services' readiness checks, one way to do each: storage
 * ({@link io.fhirpipe.runtime.health.StorageProbe}), a FHIR server
 * ({@link io.fhirpipe.runtime.health.HttpReachability}), each answer kept briefly
 * ({@link io.fhirpipe.runtime.health.CachedProbe}) and reported as a
 * {@link io.fhirpipe.runtime.health.Probe}. The broker's readiness is SmallRye Reactive Messaging's
 * own channel health.
 */
package io.fhirpipe.runtime.health;
