package io.fhirpipe.loadgenerator.load;

import java.util.Map;

/**
 * One look at the running load test.
 *
 * @param seconds     since the export was requested
 * @param linesServed resources the synthetic server has sent (the transfer's progress)
 * @param linesSplit  resources the splitter has cut into chunks (the status API's figures)
 * @param rowsLoaded  resources the loader has committed
 * @param rssBytes    VmRSS per process
 * @param queueDepths messages per subscription queue
 */
record Sample(
        double seconds,
        String status,
        long bytesServed,
        long linesServed,
        long linesSplit,
        long rowsLoaded,
        Map<String, Long> rssBytes,
        Map<String, Long> queueDepths) {}
