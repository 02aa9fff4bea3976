package io.fhirpipe.testsupport.quarkus;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field of a test class using {@link ArtemisTestResource}: a field of type
 * {@link io.fhirpipe.testsupport.broker.EmbeddedArtemis} receives the running broker, a field of
 * type {@link io.fhirpipe.testsupport.broker.AmqpTestClient} a client connected to it (shared by
 * the tests of that resource, closed when the resource stops).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@interface InjectArtemis {}
