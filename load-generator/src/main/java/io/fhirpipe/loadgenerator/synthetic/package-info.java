/**
 * Synthetic R4 resources: resource {@code i} of a type is a pure function of (seed, type, i), so any
 * size streams in constant memory and every run with the same seed serves the same bytes.
 */
package io.fhirpipe.loadgenerator.synthetic;
