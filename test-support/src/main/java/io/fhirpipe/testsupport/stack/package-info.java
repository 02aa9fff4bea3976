/** The local stack: every component of the pipeline as its own process, started and stopped together. */
package io.fhirpipe.testsupport.stack;
