package org.dsd.messaging.cluster;

import java.time.Duration;
import java.util.Properties;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.ClasspathYamlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;

/** Member and client configuration with {@link HazelcastProperties}; tests start members from it too. */
public final class HazelcastConfigs {

    /** Every data member's configuration, the member image's as it is: the failure detector, merges, quorum, ... */
    public static final String MEMBER_FILE = "hazelcast-member.yaml";
    private static final String ANY_ADDRESS = "0.0.0.0";

    private HazelcastConfigs() {
    }

    /**
     * A member as the member image runs it ({@link #MEMBER_FILE}), with this app's own settings over it: cluster
     * name, ports and addresses, member list, failure detector timing, backups and queue size.
     */
    public static Config member(HazelcastProperties properties) {
        Config config = new ClasspathYamlConfig(HazelcastConfigs.class.getClassLoader(), MEMBER_FILE);
        config.setClusterName(properties.clusterName());
        // A lite member holds no partitions. The messages apps are lite members so that they coordinate their
        // own queue transactions: a client's transaction lives on a member, and when that member is killed the
        // item it had taken is neither committed nor given back.
        config.setLiteMember(properties.mode() == HazelcastProperties.Mode.LITE_MEMBER);
        commonProperties(config.getProperties());
        config.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(properties.heartbeatIntervalSeconds()));
        config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(properties.maxNoHeartbeatSeconds()));
        // The quorum's tolerance follows this app's failure detector.
        config.getSplitBrainProtectionConfig(DataMemberQuorum.NAME)
                .setFunctionImplementation(new DataMemberQuorum(properties.maxNoHeartbeatSeconds() * 1000L));

        NetworkConfig network = config.getNetworkConfig();
        // Several apps of one host each embed a member: the next free port from the configured one.
        network.setPort(properties.port()).setPortAutoIncrement(true).setPortCount(100);
        network.getRestApiConfig().setEnabled(false);
        if (!ANY_ADDRESS.equals(properties.bindAddress())) {
            config.setProperty("hazelcast.socket.bind.any", "false");
            network.getInterfaces().setEnabled(true).addInterface(properties.bindAddress());
        }
        if (properties.publicAddress() != null && !properties.publicAddress().isBlank()) {
            network.setPublicAddress(properties.publicAddress());
        }
        network.getJoin().getTcpIpConfig().setMembers(properties.members());

        config.getMapConfig("default").setBackupCount(properties.backupCount());
        config.getQueueConfig("default").setBackupCount(properties.backupCount())
                .setMaxSize(properties.queueMaxSize());
        return config;
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
