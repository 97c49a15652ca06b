package org.dsd.messaging.cluster;

import java.time.Duration;

import com.hazelcast.cluster.ClusterState;
import com.hazelcast.core.HazelcastInstance;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MemberAdmissionTest {

    @Test
    void aMemberRefusedWhileTheClusterAdmitsNoneIsStartedAgainUntilItIsAdmitted() {
        try (HazelcastTestCluster cluster = HazelcastTestCluster.start(1)) {
            HazelcastInstance member = cluster.member(0);
            // As while a merge or a migration holds the cluster state: no new member admitted.
            member.getCluster().changeClusterState(ClusterState.FROZEN);
            Thread reopens = new Thread(() -> {
                Await.pause(Duration.ofSeconds(3));
                member.getCluster().changeClusterState(ClusterState.ACTIVE);
            });
            reopens.start();

            HazelcastInstance admitted = ClusterAutoConfiguration.admitted(cluster.liteMemberProperties());
            try {
                assertThat(admitted.getCluster().getMembers()).hasSize(2);
            } finally {
                admitted.shutdown();
            }
        }
    }
}
