package org.dsd.messaging.cluster;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;

import com.hazelcast.cluster.Address;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.server.ServerConnection;
import com.hazelcast.internal.server.ServerConnectionManager;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A member keeps its connections to members that answer and closes one to a peer that accepted and went silent. */
class SilentPeerConnectionsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void aConnectionToAPeerThatNeverAnswersIsClosedAndOnesToLiveMembersAreKept() throws Exception {
        try (HazelcastTestCluster cluster = HazelcastTestCluster.start(2);
             // Listens, but nobody reads: the kernel completes the TCP handshake, as for a frozen process.
             ServerSocket frozen = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            SilentPeerConnections silentPeers = new SilentPeerConnections(cluster.member(0));
            ServerConnectionManager connections = connections(cluster.member(0));
            Address frozenAddress = new Address("127.0.0.1", frozen.getLocalPort());

            connections.getOrConnect(frozenAddress);
            Await.until(TIMEOUT, "a connection to the silent peer", () -> to(connections, frozenAddress).isPresent());
            ServerConnection silent = to(connections, frozenAddress).orElseThrow();
            Await.until(TIMEOUT, "the silent connection closed", () -> !silent.isAlive());
            assertThat(silent.getCloseReason()).contains("no answer");

            Address live = cluster.member(1).getCluster().getLocalMember().getAddress();
            assertThat(to(connections, live)).as("the connection to a live member").hasValueSatisfying(
                    connection -> assertThat(connection.isAlive()).isTrue());
            silentPeers.destroy();
        }
    }

    private static ServerConnectionManager connections(HazelcastInstance member) {
        return ((HazelcastInstanceProxy) member).getOriginal().node.getServer()
                .getConnectionManager(EndpointQualifier.MEMBER);
    }

    private static Optional<ServerConnection> to(ServerConnectionManager connections, Address address) {
        return connections.getConnections().stream()
                .filter(connection -> address.equals(connection.getRemoteAddress())).findFirst();
    }
}
