package io.fhirpipe.testsupport.quarkus;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field of type {@link io.fhirpipe.testsupport.storage.Azurite} of a test class using
 * {@link AzuriteTestResource}: it receives the running instance.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@interface InjectAzurite {}
