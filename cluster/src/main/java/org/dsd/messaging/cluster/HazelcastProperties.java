package org.dsd.messaging.cluster;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How this app joins the Hazelcast cluster: as a member that holds data (logging), as a lite member
 * (messages) or as a client (facade). Every field can be set from the environment, e.g. {@code APP_HAZELCAST_MEMBERS}.
 *
 * @param mode          member: embed a member that stores partitions; lite-member: a member that stores
 *                      nothing but runs its own transactions; client: connect to {@code members}
 * @param clusterName   members and clients only talk within the same cluster name
 * @param members       addresses (host:port) a member joins over TCP/IP and a client connects to
 * @param bindAddress   the interface a member listens on: loopback unless configured otherwise; 0.0.0.0 for all
 * @param publicAddress the address other members reach this one at, when it differs from the bind address
 * @param port          the first port a member tries; it takes the next free one above it
 * @param backupCount   synchronous backups of every map and queue entry: how many members may die at once
 * @param queueMaxSize  items the queue holds at most; beyond that the facade answers 503 with Retry-After
 * @param heartbeatIntervalSeconds how often members send each other heartbeats
 * @param maxNoHeartbeatSeconds    the heartbeat pause the (phi-accrual) failure detector accepts before it
 *                                 suspects a member; a frozen member is dropped a little after it, and a member
 *                                 not heard from for that long no longer counts towards the quorum
 */
@ConfigurationProperties("app.hazelcast")
public record HazelcastProperties(
        @DefaultValue("member") Mode mode,
        @DefaultValue("messages-cluster") String clusterName,
        @DefaultValue({"127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703"}) List<String> members,
        @DefaultValue("127.0.0.1") String bindAddress,
        String publicAddress,
        @DefaultValue("5701") int port,
        @DefaultValue("1") int backupCount,
        @DefaultValue("100000") int queueMaxSize,
        @DefaultValue("1") int heartbeatIntervalSeconds,
        @DefaultValue("6") int maxNoHeartbeatSeconds) {

    public enum Mode { MEMBER, LITE_MEMBER, CLIENT }
}
