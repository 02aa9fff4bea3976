/**
 * Quarkus test resources that start the real local components for {@code @QuarkusTest} classes:
 * {@link io.fhirpipe.testsupport.quarkus.ArtemisTestResource} and
 * {@link io.fhirpipe.testsupport.quarkus.AzuriteTestResource}. Each hands its running instance to
 * the test through fields carrying its annotation ({@link io.fhirpipe.testsupport.quarkus.InjectArtemis},
 * {@link io.fhirpipe.testsupport.quarkus.InjectAzurite}).
 */
package io.fhirpipe.testsupport.quarkus;
