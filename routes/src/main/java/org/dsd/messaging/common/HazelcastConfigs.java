package org.dsd.messaging.common;

import java.util.Properties;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;

/** Member and client configuration built from {@link HazelcastProperties}; tests start members from it too. */
public final class HazelcastConfigs {

    private static final String ANY_ADDRESS = "0.0.0.0";

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
        // A killed member's closed connections get it removed at once; the heartbeat timeout only catches a
        // silent one, and stays long enough that a starved JVM on a busy laptop is not thrown out.
        config.setProperty("hazelcast.heartbeat.interval.seconds", "2");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "30");

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
        join.getTcpIpConfig().setEnabled(true).setMembers(properties.members());

        config.getMapConfig("default").setBackupCount(properties.backupCount());
        config.getQueueConfig("default").setBackupCount(properties.backupCount())
                .setMaxSize(properties.queueMaxSize());
        return config;
    }

    public static ClientConfig client(HazelcastProperties properties) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(properties.clusterName());
        commonProperties(config.getProperties());
        // Retry writes cut off by a dying member; a rare duplicate is dropped by uuid downstream.
        config.getNetworkConfig().setAddresses(properties.members()).setRedoOperation(true);
        config.setProperty("hazelcast.client.invocation.timeout.seconds", "30");
        // A write whose owner answered but died before its backup acknowledged may exist nowhere. Left alone,
        // the client reports it a success after the backup timeout: an acknowledged message lost. Fail it.
        config.setProperty("hazelcast.client.operation.fail.on.indeterminate.state", "true");
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
