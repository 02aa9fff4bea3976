package io.fhirpipe.testsupport.broker;

import java.util.Set;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.utils.CompositeAddress;

/**
 * Delivers every message a client sends to a topic twice, as an at-least-once broker may (Service Bus
 * does after a lost acknowledgement): once the send is routed, a copy with a new broker message id but
 * the same body, properties and annotations (the same CloudEvent id and AMQP message-id) is routed to
 * the same address, so each subscription queue gets both. Only client sends are doubled: what the
 * broker moves itself (redeliveries, scheduled messages coming due, dead letters) passes once, and a
 * send to a dead-letter address is not a topic send.
 */
final class DuplicateDelivery implements ActiveMQServerMessagePlugin {

    private final Set<String> topics;
    private volatile ActiveMQServer server;

    DuplicateDelivery(Set<String> topics) {
        this.topics = Set.copyOf(topics);
    }

    @Override
    public void registered(ActiveMQServer server) {
        this.server = server;
    }

    @Override
    public void afterSend(
            ServerSession session,
            Transaction tx,
            Message message,
            boolean direct,
            boolean noAutoCreateQueue,
            RoutingStatus result)
            throws ActiveMQException {
        String address = message.getAddress();
        if (result != RoutingStatus.OK
                || address == null
                || !topics.contains(CompositeAddress.extractAddressName(address))) {
            return;
        }
        Message copy = message.copy(server.getStorageManager().generateID());
        try {
            // In the sender's transaction when there is one, so a rolled-back send leaves no copy either.
            server.getPostOffice().route(copy, tx, false);
        } catch (ActiveMQException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot route the duplicate of a message to " + address, e);
        }
    }
}
