package io.fhirpipe.runtime.servicebus.implementation;

/** A started processor receives until closed, reconnecting by itself after a lost connection. */
public interface TransportProcessor extends AutoCloseable {

    void start();

    @Override
    void close();
}
