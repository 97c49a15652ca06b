package org.dsd.messaging.cluster;

import java.time.Duration;
import java.util.Properties;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;

/** Member and client configuration built from {@link HazelcastProperties}; tests start members from it too. */
public final class HazelcastConfigs {

    private static final String ANY_ADDRESS = "0.0.0.0";
    /** How long a member's cluster call waits for an answer from a target that sends no operation heartbeat. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
    private static final int JOIN_CONNECTION_TIMEOUT_SECONDS = 2;

    private HazelcastConfigs() {
    }

    public static Config member(HazelcastProperties properties) {
        Config config = new Config();
        config.setClusterName(properties.clusterName());
        // A lite member holds no partitions. The messages apps are lite members so that they coordinate their
        // own queue transactions: a client's transaction lives on a member, and when that member is killed the
        // item it had taken is neither committed nor given back.
        config.setLiteMember(properties.mode() == HazelcastProperties.Mode.LITE_MEMBER);
        commonProperties(config.getProperties());
        failureDetection(config, properties);
        splitBrainProtection(config, properties);
        // A write whose backup never confirmed (its member froze or died meanwhile) fails instead of passing for
        // done after the backup timeout: the caller retries it, and what is acknowledged exists on two members.
        config.setProperty("hazelcast.operation.fail.on.indeterminate.state", "true");
        // A call whose target never answers fails after this instead of 60 s: after a freeze, calls sent on a stale
        // partition table (a consumer's poll, the redelivery's look at the queue) hung for 70 s. A target that is
        // alive and busy sends operation heartbeats meanwhile, so a long call still completes.
        config.setProperty("hazelcast.operation.call.timeout.millis", String.valueOf(CALL_TIMEOUT.toMillis()));
        // A response is completed on the IO thread that read it, not handed to a response thread: one thread
        // wake-up less per remote call (the profile showed futex wake-ups as a large part of the members' CPU).
        config.setProperty("hazelcast.operation.response.thread.count", "0");
        // The map's and the queue's statistics as MBeans, for Hawtio and Jolokia.
        config.setProperty("hazelcast.jmx", "true");
        // The master admits a joining member after 1 s instead of 5 (it waits for others to admit in the same
        // step): ./topology start, whose members join one after another, took 10 s longer.
        config.setProperty("hazelcast.wait.seconds.before.join", "1");

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(properties.port()).setPortAutoIncrement(true).setPortCount(100);
        if (!ANY_ADDRESS.equals(properties.bindAddress())) {
            config.setProperty("hazelcast.socket.bind.any", "false");
            network.getInterfaces().setEnabled(true).addInterface(properties.bindAddress());
        }
        if (properties.publicAddress() != null && !properties.publicAddress().isBlank()) {
            network.setPublicAddress(properties.publicAddress());
        }
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        // Members that start together ask each other for a master for this long before one claims it (default 5 s,
        // all of it spent on every start of ./topology): on loopback or a LAN an answer takes milliseconds.
        join.getTcpIpConfig().setEnabled(true).setMembers(properties.members())
                .setConnectionTimeoutSeconds(JOIN_CONNECTION_TIMEOUT_SECONDS);

        config.getMapConfig("default").setBackupCount(properties.backupCount());
        config.getQueueConfig("default").setBackupCount(properties.backupCount())
                .setMaxSize(properties.queueMaxSize());
        return config;
    }

    /**
     * A killed member's closed connections get it removed at once; heartbeats catch a silent one (frozen, cut
     * off). Phi-accrual suspects a member once its silence is improbable given the heartbeat gaps seen so far,
     * beyond the accepted pause: it adapts to a busy machine's jitter instead of one fixed timeout.
     */
    private static void failureDetection(Config config, HazelcastProperties properties) {
        config.setProperty("hazelcast.heartbeat.failuredetector.type", "phi-accrual");
        config.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(properties.heartbeatIntervalSeconds()));
        config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(properties.maxNoHeartbeatSeconds()));
        // A split heals soon after the network or the process is back (defaults: 300 s, then every 120 s).
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
    }

    /**
     * Every map and queue answers only on the side of a split that holds a majority of the data members
     * ({@link DataMemberQuorum}); the minority's operations fail at once. Merging keeps every entry of both sides
     * (put-if-absent, the default): entries are keyed by uuid and never change, so nothing is doubled.
     */
    private static void splitBrainProtection(Config config, HazelcastProperties properties) {
        config.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(DataMemberQuorum.NAME, true)
                .setProtectOn(SplitBrainProtectionOn.READ_WRITE)
                .setFunctionImplementation(new DataMemberQuorum(properties.maxNoHeartbeatSeconds() * 1000L)));
        config.getMapConfig("default").setSplitBrainProtectionName(DataMemberQuorum.NAME);
        config.getQueueConfig("default").setSplitBrainProtectionName(DataMemberQuorum.NAME);
    }

    /** The longest a client's cluster operation takes, retries included, before it fails. */
    public static final Duration CLIENT_INVOCATION_TIMEOUT = Duration.ofSeconds(30);

    public static ClientConfig client(HazelcastProperties properties) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(properties.clusterName());
        commonProperties(config.getProperties());
        // Retry writes cut off by a dying member; a rare duplicate is dropped by uuid downstream.
        config.getNetworkConfig().setAddresses(properties.members()).setRedoOperation(true);
        config.setProperty("hazelcast.client.invocation.timeout.seconds",
                String.valueOf(CLIENT_INVOCATION_TIMEOUT.toSeconds()));
        // The client learns of member and partition changes from one member; if that one freezes, only the
        // heartbeat timeout makes it close that connection and listen to another (default: 60 s of stale routing).
        config.setProperty("hazelcast.client.heartbeat.interval", String.valueOf(properties.heartbeatIntervalSeconds() * 1000));
        config.setProperty("hazelcast.client.heartbeat.timeout", String.valueOf(properties.maxNoHeartbeatSeconds() * 1000));
        // A write whose owner answered but died before its backup acknowledged may exist nowhere. Left alone,
        // the client reports it a success after the backup timeout: an acknowledged message lost. Fail it.
        config.setProperty("hazelcast.client.operation.fail.on.indeterminate.state", "true");
        // The backups acknowledge to the client, not to the owner. An owner cut off from the master but still
        // hearing another member counts a write done once a member leaves its list, backup confirmed or not
        // (Hazelcast's "potential backup loss"): a write acknowledged on an island only. The client waits for
        // every backup itself; the price is that a backup member dying mid-write costs its backup timeout
        // (5 s) and an indeterminate failure, which the services retry.
        config.setBackupAckToClientEnabled(true);
        // As on the members: responses are completed on the IO thread, without a hand-off to a response thread.
        config.setProperty("hazelcast.client.response.thread.count", "0");
        config.getConnectionStrategyConfig().getConnectionRetryConfig()
                .setInitialBackoffMillis(200).setMaxBackoffMillis(2000);
        return config;
    }

    private static void commonProperties(Properties properties) {
        properties.setProperty("hazelcast.logging.type", "slf4j");
        properties.setProperty("hazelcast.phone.home.enabled", "false");
        // Spring closes the instance on shutdown, after the routes stopped; a member then migrates its partitions.
        properties.setProperty("hazelcast.shutdownhook.enabled", "false");
    }
}
