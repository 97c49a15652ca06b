package org.dsd.messaging.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.dsd.messaging.cluster.DataMemberQuorum;
import org.dsd.messaging.cluster.HazelcastConfigs;
import org.dsd.messaging.cluster.HazelcastProperties;
import org.dsd.messaging.cluster.WholeDataMembers;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Real Hazelcast members in the test JVM, built by the production {@link HazelcastConfigs}, on their own
 * cluster name and ports, so a topology running on the same machine is never joined.
 */
public final class HazelcastTestCluster implements AutoCloseable {

    private static final int FIRST_PORT = 5901;

    private final HazelcastProperties properties;
    private final List<HazelcastInstance> instances = new ArrayList<>();

    private HazelcastTestCluster(HazelcastProperties properties) {
        this.properties = properties;
    }

    /** Starts {@code members} members; apps that join later as members or clients use {@link #appProperties}. */
    public static HazelcastTestCluster start(int members) {
        return start(members, 100_000);
    }

    /** Starts {@code members} members whose queue holds at most {@code queueMaxSize} items. */
    public static HazelcastTestCluster start(int members, int queueMaxSize) {
        List<String> addresses = IntStream.range(0, 6).mapToObj(i -> "127.0.0.1:" + (FIRST_PORT + i)).toList();
        HazelcastProperties properties = new HazelcastProperties(HazelcastProperties.Mode.MEMBER,
                "test-" + UUID.randomUUID(), addresses, "127.0.0.1", null, FIRST_PORT, 1, queueMaxSize, 1, 5);
        HazelcastTestCluster cluster = new HazelcastTestCluster(properties);
        for (int i = 0; i < members; i++) {
            HazelcastInstance member = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(properties));
            // As an app's member does: the others count it only once it is recorded whole.
            new WholeDataMembers(member);
            cluster.instances.add(member);
        }
        // Hazelcast re-evaluates the quorum on membership changes and once per heartbeat: wait for it too.
        cluster.instances.forEach(member -> Await.until(Duration.ofSeconds(30), "every member recorded whole",
                () -> member.getReplicatedMap(WholeDataMembers.MAP_NAME).size() == members && hasQuorum(member)));
        return cluster;
    }

    /** Starts a lite member (a messages app's kind: no data, a witness of the quorum) in this cluster. */
    public HazelcastInstance startLiteMember() {
        HazelcastInstance member = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(liteMemberProperties()));
        instances.add(member);
        return member;
    }

    /** Starts a client (the facade's kind) of this cluster. */
    public HazelcastInstance startClient() {
        HazelcastInstance client = HazelcastClient.newHazelcastClient(
                HazelcastConfigs.client(propertiesOf(HazelcastProperties.Mode.CLIENT)));
        instances.add(client);
        return client;
    }

    /** What a lite member of this cluster is configured with. */
    public HazelcastProperties liteMemberProperties() {
        return propertiesOf(HazelcastProperties.Mode.LITE_MEMBER);
    }

    private HazelcastProperties propertiesOf(HazelcastProperties.Mode mode) {
        return new HazelcastProperties(mode, properties.clusterName(), properties.members(),
                properties.bindAddress(), null, properties.port(), properties.backupCount(),
                properties.queueMaxSize(), properties.heartbeatIntervalSeconds(), properties.maxNoHeartbeatSeconds());
    }

    /** Spring properties that make an app join this cluster in the given mode ("member", "lite-member", "client"). */
    public Map<String, String> appProperties(String mode) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("app.hazelcast.mode", mode);
        props.put("app.hazelcast.cluster-name", properties.clusterName());
        props.put("app.hazelcast.port", String.valueOf(FIRST_PORT));
        props.put("app.hazelcast.members", String.join(",", properties.members()));
        return props;
    }

    /** Makes the Spring Boot app under test join this cluster in the given mode ("member", "lite-member", "client"). */
    public void join(DynamicPropertyRegistry registry, String mode) {
        appProperties(mode).forEach((key, value) -> registry.add(key, () -> value));
    }

    /** Whether Hazelcast's own check of the {@link DataMemberQuorum} holds on this member right now. */
    public static boolean hasQuorum(HazelcastInstance member) {
        return member.getSplitBrainProtectionService().getSplitBrainProtection(DataMemberQuorum.NAME).hasMinimumSize();
    }

    public HazelcastInstance member(int index) {
        return instances.get(index);
    }

    @Override
    public void close() {
        instances.forEach(HazelcastInstance::shutdown);
    }
}
