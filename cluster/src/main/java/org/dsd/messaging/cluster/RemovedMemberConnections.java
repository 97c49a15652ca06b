package org.dsd.messaging.cluster;

import com.hazelcast.client.impl.clientside.HazelcastClientInstanceImpl;
import com.hazelcast.client.impl.clientside.HazelcastClientProxy;
import com.hazelcast.client.impl.connection.ClientConnection;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.nio.ConnectionListener;

/**
 * A client closes a connection it opens to a member that is not in its member list, while it is connected to
 * members that are.
 *
 * <p>Why: Hazelcast 5.5's client takes the partition table sent with every authentication answer
 * (ClientPartitionServiceImpl applies a table from a new connection whatever its version). A connection it
 * started to a member that then froze is answered when that member resumes, after the cluster has removed it:
 * the client then sent every operation on that member's old partitions to an island that refuses them (quorum)
 * until it merged back, 10-20 s of 503s (the freeze test caught it). Without the connection, those operations go
 * to a live member, which passes them on to the owner, until the next partition table from the cluster arrives.
 * Internal API: checked against 5.5 only.
 */
final class RemovedMemberConnections implements ConnectionListener<ClientConnection> {

    private final HazelcastClientInstanceImpl client;

    private RemovedMemberConnections(HazelcastClientInstanceImpl client) {
        this.client = client;
    }

    static HazelcastInstance closedOn(HazelcastInstance client) {
        HazelcastClientInstanceImpl instance = ((HazelcastClientProxy) client).client;
        instance.getConnectionManager().addConnectionListener(new RemovedMemberConnections(instance));
        return client;
    }

    @Override
    public void connectionAdded(ClientConnection connection) {
        // Kept while it is the only way in: after a total disconnection the client relearns the cluster from it.
        if (!listed(connection) && client.getConnectionManager().getActiveConnections().stream()
                .anyMatch(other -> other != connection && listed(other))) {
            connection.close("the cluster removed this member: its partition table is stale", null);
        }
    }

    private boolean listed(ClientConnection connection) {
        return client.getClientClusterService().getMember(connection.getRemoteUuid()) != null;
    }

    @Override
    public void connectionRemoved(ClientConnection connection) {
        // nothing to undo
    }
}
