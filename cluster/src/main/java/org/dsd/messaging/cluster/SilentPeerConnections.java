package org.dsd.messaging.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.networking.Channel;
import com.hazelcast.internal.server.ServerConnection;
import com.hazelcast.internal.server.ServerConnectionManager;
import com.hazelcast.internal.server.tcp.TcpServerConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * A member closes a connection it opened to another member when that member has not sent a single byte within
 * {@link #SILENCE_LIMIT}.
 *
 * <p>Why: a frozen process (SIGSTOP, a stalled VM) still accepts TCP connections, its kernel does, but never
 * answers Hazelcast's protocol header. Hazelcast 5.5 (5.7 too; hazelcast/hazelcast#26473) then spins the outbound
 * IO thread that owns such a connection at 100 % CPU: the handshake frame waits for the answer, and the pipeline
 * reschedules itself without ever going back to its selector. The members reconnect to a member they suspect every
 * second, so during a freeze every other member burnt a core, on a 2-core machine. Worse, the other connections of
 * that thread that wait for their socket to take more data are never flushed: two live members stopped hearing each
 * other, one dropped the other, and POSTs stalled for 30-40 s (the freeze test, 2 runs of 6). Closing the silent
 * connection ends its spin; Hazelcast connects again when it needs to, and a member that answers keeps it.
 * Internal API: checked against Hazelcast 5.5.
 */
public class SilentPeerConnections implements DisposableBean {

    /** A member that answers sends its protocol header within milliseconds; a frozen one never does. */
    static final Duration SILENCE_LIMIT = Duration.ofSeconds(1);
    private static final Duration CHECK_PERIOD = Duration.ofMillis(250);
    private static final Logger LOG = LoggerFactory.getLogger(SilentPeerConnections.class);

    private final ServerConnectionManager connections;
    /** When each connection this member opened was first seen without a byte from the other side. */
    private final Map<ServerConnection, Long> silentSince = new ConcurrentHashMap<>();
    private final ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "silent-peer-connections");
        thread.setDaemon(true);
        return thread;
    });

    public SilentPeerConnections(HazelcastInstance member) {
        this.connections = ((HazelcastInstanceProxy) member).getOriginal().node.getServer()
                .getConnectionManager(EndpointQualifier.MEMBER);
        checks.scheduleWithFixedDelay(this::closeSilent, CHECK_PERIOD.toMillis(), CHECK_PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    void closeSilent() {
        long now = System.nanoTime();
        silentSince.keySet().removeIf(connection -> !connection.isAlive());
        for (ServerConnection connection : connections.getConnections()) {
            Channel channel = ((TcpServerConnection) connection).getChannel();
            if (!connection.isAlive() || !channel.isClientMode() || channel.bytesRead() > 0) {
                silentSince.remove(connection);
                continue;
            }
            long since = silentSince.computeIfAbsent(connection, first -> now);
            if (now - since > SILENCE_LIMIT.toNanos()) {
                LOG.info("closing the connection to {}: it accepted it but has not answered for {} (frozen?)",
                        channel.remoteSocketAddress(), SILENCE_LIMIT);
                connection.close("no answer from the other member within " + SILENCE_LIMIT, null);
                silentSince.remove(connection);
            }
        }
    }

    @Override
    public void destroy() {
        checks.shutdownNow();
    }
}
