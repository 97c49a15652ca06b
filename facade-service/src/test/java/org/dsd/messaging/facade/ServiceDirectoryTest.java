package org.dsd.messaging.facade;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
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
import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;

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

    /**
     * A facade's member list may say a member left that the cluster lists again with the same uuid: the side it was
     * on won the merge after a split, or the list came from a member that stood still. Its instances stay in the
     * view, instead of leaving it for twice the time to live (all of them at once, answering 503, if the whole list
     * was such news).
     */
    @Test
    void anInstanceOfAMemberSeenToLeaveThatTheClusterListsAgainIsKept() {
        String mapName = "registry-" + UUID.randomUUID();
        HazelcastInstance member = cluster.member(0);
        AtomicReference<MembershipListener> listener = new AtomicReference<>();
        Cluster watched = mock(Cluster.class, delegatesTo(member.getCluster()));
        doAnswer(call -> {
            listener.set(call.getArgument(0));
            return UUID.randomUUID();
        }).when(watched).addMembershipListener(any());
        HazelcastInstance hazelcast = mock(HazelcastInstance.class, delegatesTo(member));
        doReturn(watched).when(hazelcast).getCluster();
        ServiceDirectory directory = directory(hazelcast, mapName);
        Member listedAgain = cluster.member(1).getCluster().getLocalMember();
        new ServiceRegistry(member, mapName).register(ServiceDirectory.LOGGING, "http://127.0.0.1:8081",
                listedAgain.getUuid(), 60_000);

        listener.get().memberRemoved(new MembershipEvent(watched, listedAgain, MembershipEvent.MEMBER_REMOVED,
                Set.of()));
        directory.refresh();

        assertThat(directory.instances(ServiceDirectory.LOGGING)).containsExactly("http://127.0.0.1:8081");
    }
}
