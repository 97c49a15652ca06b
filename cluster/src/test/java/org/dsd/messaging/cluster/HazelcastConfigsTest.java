package org.dsd.messaging.cluster;

import java.util.List;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HazelcastConfigsTest {

    private static HazelcastProperties properties(String bindAddress) {
        return new HazelcastProperties(HazelcastProperties.Mode.MEMBER, "lab", List.of("127.0.0.1:5701", "127.0.0.1:5702"),
                bindAddress, null, 5701, 2, 500, 1, 5);
    }

    @Test
    void aMemberListensOnLoopbackOnlyAndJoinsItsListOverTcp() {
        Config config = HazelcastConfigs.member(properties("127.0.0.1"));

        assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
        assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
        assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
        assertThat(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
        assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
                .containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
        assertThat(config.getMapConfig("messages").getBackupCount()).isEqualTo(2);
        assertThat(config.getQueueConfig("messages").getBackupCount()).isEqualTo(2);
        assertThat(config.getQueueConfig("messages").getMaxSize()).isEqualTo(500);
        // Spring, not Hazelcast's own hook, shuts the member down: gracefully, after the routes stopped.
        assertThat(config.getProperty("hazelcast.shutdownhook.enabled")).isEqualTo("false");
    }

    @Test
    void everyMapAndQueueIsProtectedByTheDataMemberQuorumAndASilentMemberIsSuspectedInSeconds() {
        Config config = HazelcastConfigs.member(properties("127.0.0.1"));

        assertThat(config.getSplitBrainProtectionConfig(DataMemberQuorum.NAME).isEnabled()).isTrue();
        assertThat(config.getSplitBrainProtectionConfig(DataMemberQuorum.NAME).getFunctionImplementation())
                .isInstanceOf(DataMemberQuorum.class);
        assertThat(config.getMapConfig("messages").getSplitBrainProtectionName()).isEqualTo(DataMemberQuorum.NAME);
        assertThat(config.getQueueConfig("messages").getSplitBrainProtectionName()).isEqualTo(DataMemberQuorum.NAME);
        assertThat(config.getProperty("hazelcast.heartbeat.failuredetector.type")).isEqualTo("phi-accrual");
        assertThat(config.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("5");
    }

    @Test
    void aLiteMemberJoinsLikeAMemberButHoldsNoPartitions() {
        HazelcastProperties lite = new HazelcastProperties(HazelcastProperties.Mode.LITE_MEMBER, "lab",
                List.of("127.0.0.1:5701"), "127.0.0.1", null, 5701, 1, 500, 1, 5);

        assertThat(HazelcastConfigs.member(lite).isLiteMember()).isTrue();
        assertThat(HazelcastConfigs.member(properties("127.0.0.1")).isLiteMember()).isFalse();
    }

    @Test
    void aMemberListensOnEveryInterfaceOnlyWhenToldTo() {
        Config config = HazelcastConfigs.member(properties("0.0.0.0"));

        assertThat(config.getProperty("hazelcast.socket.bind.any")).isNull();
        assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isFalse();
    }

    @Test
    void aClientConnectsToTheMembersRetriesInterruptedWritesAndFailsUnconfirmedOnes() {
        ClientConfig config = HazelcastConfigs.client(properties("127.0.0.1"));

        assertThat(config.getClusterName()).isEqualTo("lab");
        assertThat(config.getNetworkConfig().getAddresses()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
        assertThat(config.getNetworkConfig().isRedoOperation()).isTrue();
        // A write whose backup was never confirmed is an error, not a success that may exist nowhere.
        assertThat(config.getProperty("hazelcast.client.operation.fail.on.indeterminate.state")).isEqualTo("true");
    }
}
