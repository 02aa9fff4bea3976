package io.fhirpipe.synapseloader.load;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Builds the loader at start-up rather than at the first message, so a ViewDefinition the
 * compiler does not support (or a database that cannot be opened) stops the service at once,
 * naming the view, the column and the expression.
 */
@ApplicationScoped
class LoaderStartup {

    @Inject
    ChunkLoader loader;

    void onStart(@Observes StartupEvent event) {
        loader.toString();
    }
}
