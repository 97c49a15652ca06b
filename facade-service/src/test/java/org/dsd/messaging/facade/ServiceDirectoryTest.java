package org.dsd.messaging.facade;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.hazelcast.core.HazelcastInstance;
import org.dsd.messaging.discovery.DiscoveryProperties;
import org.dsd.messaging.discovery.ServiceRegistry;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceDirectoryTest {

    private static HazelcastTestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = HazelcastTestCluster.start(2);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static ServiceDirectory directory(HazelcastInstance hazelcast, String mapName) {
        Binder binder = new Binder(new MapConfigurationPropertySource(Map.of("app.registry.map-name", mapName)));
        return new ServiceDirectory(binder.bindOrCreate("app", DiscoveryProperties.class),
                binder.bindOrCreate("app.facade", FacadeProperties.class), hazelcast);
    }

    @Test
    void anInstanceOfAMemberSeenToLeaveIsDroppedAndOneOfAMemberNotKnownYetIsKept() {
        String mapName = "registry-" + UUID.randomUUID();
        ServiceDirectory directory = directory(cluster.member(0), mapName);
        ServiceRegistry registry = new ServiceRegistry(cluster.member(0), mapName);
        HazelcastInstance leaving = cluster.startLiteMember();
        registry.register(ServiceDirectory.MESSAGES, "http://127.0.0.1:8082",
                leaving.getCluster().getLocalMember().getUuid(), 60_000);
        // A member this facade has not heard of: one that joined while its member list was out of date.
        registry.register(ServiceDirectory.MESSAGES, "http://127.0.0.1:8084", UUID.randomUUID(), 60_000);

        directory.refresh();
        assertThat(directory.instances(ServiceDirectory.MESSAGES))
                .containsExactly("http://127.0.0.1:8082", "http://127.0.0.1:8084");

        leaving.getLifecycleService().terminate();
        Await.until(Duration.ofSeconds(30), "the departed member's instance leaves the view", () -> {
            directory.refresh();
            return directory.instances(ServiceDirectory.MESSAGES).equals(List.of("http://127.0.0.1:8084"));
        });
    }
}
