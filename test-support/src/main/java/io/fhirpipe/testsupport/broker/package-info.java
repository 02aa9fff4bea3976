/**
 * The message broker of local runs and tests: an embedded ActiveMQ Artemis carrying
 * {@link io.fhirpipe.model.topology.Topology} (optionally delivering every topic message twice, for the
 * fault suite), and a blocking AMQP 1.0 client for tests.
 */
package io.fhirpipe.testsupport.broker;
