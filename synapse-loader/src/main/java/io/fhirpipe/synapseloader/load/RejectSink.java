package io.fhirpipe.synapseloader.load;

import io.fhirpipe.synapseloader.chunk.ChunkRef;
import io.fhirpipe.synapseloader.lines.LineRejection;

import java.util.List;

/** Where rejected lines go: the rejected container in the service. */
@FunctionalInterface
public interface RejectSink {

    void write(ChunkRef chunk, List<LineRejection> rejections);
}
