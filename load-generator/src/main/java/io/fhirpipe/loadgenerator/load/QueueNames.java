package io.fhirpipe.loadgenerator.load;

import io.fhirpipe.model.topology.SubscriptionDefinition;
import io.fhirpipe.model.topology.TopicDefinition;
import io.fhirpipe.model.topology.Topology;
import java.util.ArrayList;
import java.util.List;

/** The subscription queues of a topology, as Artemis names them: the work waiting for each consumer. */
final class QueueNames {

    private QueueNames() {}

    static List<String> of(Topology topology) {
        List<String> names = new ArrayList<>();
        for (TopicDefinition topic : topology.topics()) {
            for (SubscriptionDefinition s : topic.subscriptions()) {
                names.add(topic.subscriptionQueue(s.name()));
            }
        }
        return names;
    }
}
