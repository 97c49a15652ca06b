package org.dsd.messaging.discovery;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.hazelcast.core.HazelcastInstance;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceRegistryTest {

    private static HazelcastTestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = HazelcastTestCluster.start(2);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void anInstanceLeavesTheViewWithItsDepartedMemberAndOneWithoutAMemberOnlyWithItsEntry() {
        HazelcastInstance member = cluster.member(0);
        UUID live = member.getCluster().getLocalMember().getUuid();
        UUID departed = UUID.randomUUID();
        ServiceRegistry registry = new ServiceRegistry(member, "registry-" + UUID.randomUUID());
        registry.register("logging-service", "http://127.0.0.1:8083", live, 60_000);
        registry.register("logging-service", "http://127.0.0.1:8081", departed, 60_000);
        registry.register("logging-service", "http://127.0.0.1:8085", null, 60_000);
        registry.register("messages-service", "http://127.0.0.1:8082", live, 60_000);

        assertThat(registry.byService(Set.of(departed))).isEqualTo(Map.of(
                "logging-service", List.of("http://127.0.0.1:8083", "http://127.0.0.1:8085"),
                "messages-service", List.of("http://127.0.0.1:8082")));
        // A member not seen to leave stays in, known or not (one that joined while the reader's list was old).
        assertThat(registry.byService(Set.of()).get("logging-service")).hasSize(3);
    }

    @Test
    void anEntryWrittenByHandWithAMalformedMemberIsLeftOutAndTheOthersStay() {
        HazelcastInstance member = cluster.member(0);
        UUID live = member.getCluster().getLocalMember().getUuid();
        String mapName = "registry-" + UUID.randomUUID();
        ServiceRegistry registry = new ServiceRegistry(member, mapName);
        registry.register("logging-service", "http://127.0.0.1:8081", live, 60_000);
        member.<String, String>getMap(mapName).set("http://127.0.0.1:8083", "logging-service@not-a-uuid");

        assertThat(registry.byService(Set.of()))
                .isEqualTo(Map.of("logging-service", List.of("http://127.0.0.1:8081")));
    }
}
