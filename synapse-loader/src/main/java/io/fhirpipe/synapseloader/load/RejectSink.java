package io.fhirpipe.synapseloader.load;

import io.fhirpipe.model.ndjson.LineRejection;
import io.fhirpipe.synapseloader.chunk.ChunkRef;
import java.util.List;

/** Where rejected lines go: the rejected container in the service. */
@FunctionalInterface
public interface RejectSink {

    void write(ChunkRef chunk, List<LineRejection> rejections);
}
