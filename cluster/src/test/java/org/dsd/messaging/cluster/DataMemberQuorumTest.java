package org.dsd.messaging.cluster;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.replicatedmap.ReplicatedMap;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dsd.messaging.testing.HazelcastTestCluster.hasQuorum;

/**
 * The quorum on real members: stopped members shrink the cluster; vanished ones still count until the survivors,
 * a majority, are safe without them.
 */
class DataMemberQuorumTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Test
    void membersStoppedOneByOneLeaveTheLastOneServingEverything() {
        try (HazelcastTestCluster cluster = HazelcastTestCluster.start(3)) {
            List<DataMemberDepartures> departures = IntStream.range(0, 3)
                    .mapToObj(i -> new DataMemberDepartures(cluster.member(i))).toList();
            IMap<String, String> map = cluster.member(0).getMap("messages");
            IntStream.range(0, 10).forEach(i -> map.put("key-" + i, "msg" + i));

            for (int i = 2; i >= 1; i--) {
                departures.get(i).destroy();
                cluster.member(i).shutdown();
            }

            Await.until(TIMEOUT, "one member left", () -> cluster.member(0).getCluster().getMembers().size() == 1);
            // The quorum is re-evaluated on membership changes and every heartbeat interval (1 s).
            Await.pause(Duration.ofSeconds(2));
            assertThat(hasQuorum(cluster.member(0))).isTrue();
            assertThat(map.size()).isEqualTo(10);
            map.put("after", "the others stopped");
            assertThat(map.get("after")).isEqualTo("the others stopped");
        }
    }

    @Test
    void aMemberLeftAloneByVanishedMembersServesNothing() {
        try (HazelcastTestCluster cluster = HazelcastTestCluster.start(3)) {
            IntStream.range(0, 3).forEach(i -> new DataMemberDepartures(cluster.member(i)));
            IMap<String, String> map = cluster.member(0).getMap("messages");
            map.put("before", "the split");

            cluster.member(2).getLifecycleService().terminate();
            Await.until(TIMEOUT, "two members left", () -> cluster.member(0).getCluster().getMembers().size() == 2);
            assertThat(hasQuorum(cluster.member(0))).as("two of three").isTrue();
            assertThat(map.get("before")).isEqualTo("the split");

            QuorumGuard guard = new QuorumGuard(cluster.member(0), true,
                    new PauseDetector(Duration.ofSeconds(3), Duration.ofSeconds(11)));
            assertThat(guard.present()).isTrue();
            cluster.member(1).getLifecycleService().terminate();
            Await.until(TIMEOUT, "no quorum", () -> !hasQuorum(cluster.member(0)));
            Await.until(TIMEOUT, "the guard refusing", () -> !guard.present());
            assertThatThrownBy(() -> map.get("before")).isInstanceOf(SplitBrainProtectionException.class);
            assertThatThrownBy(() -> map.put("island", "write")).isInstanceOf(SplitBrainProtectionException.class);
            assertThatThrownBy(() -> cluster.member(0).getQueue("messages").offer("island item"))
                    .isInstanceOf(SplitBrainProtectionException.class);
        }
    }

    @Test
    void crashesOneAfterAnotherEachOnceTheClusterIsSafeLeaveTheLastDataMemberServingBesideAWitness() {
        try (HazelcastTestCluster cluster = HazelcastTestCluster.start(3)) {
            HazelcastInstance witness = cluster.startLiteMember();
            HazelcastInstance last = cluster.member(0);
            DataMemberQuorum quorum = DataMemberQuorum.of(last);
            IMap<String, String> map = last.getMap("messages");
            IntStream.range(0, 100).forEach(i -> map.put("key-" + i, "msg" + i));
            Await.until(TIMEOUT, "the witness counted", () -> quorum.expectedCounts().get("expectedWitnesses") == 1);

            cluster.member(2).getLifecycleService().terminate();
            // The survivors are a majority and, once every partition has its backups again, stop expecting it.
            Await.until(TIMEOUT, "two data members expected",
                    () -> quorum.expectedCounts().get("expectedDataMembers") == 2 && !quorum.hasLeftMembers());
            cluster.member(1).getLifecycleService().terminate();
            Await.until(TIMEOUT, "one data member left", () -> last.getCluster().getMembers().size() == 2);

            // Half of the data members (whose backups hold the other half) and the only witness: it serves.
            Await.pause(Duration.ofSeconds(2));
            assertThat(hasQuorum(last)).isTrue();
            assertThat(new QuorumGuard(last, true, new PauseDetector(Duration.ofSeconds(3), Duration.ofSeconds(11)))
                    .present()).isTrue();
            assertThat(map.size()).isEqualTo(100);
            map.put("after", "two crashes");
            assertThat(witness.getMap("messages").get("after")).isEqualTo("two crashes");
        }
    }

    @Test
    void twoDataMembersVanishedAtOnceLeaveTheLastOneRefusingDespiteTheWitness() {
        try (HazelcastTestCluster cluster = HazelcastTestCluster.start(3)) {
            cluster.startLiteMember();
            HazelcastInstance last = cluster.member(0);
            Await.until(TIMEOUT, "the witness counted",
                    () -> DataMemberQuorum.of(last).expectedCounts().get("expectedWitnesses") == 1);

            // A split that leaves one data member and the witness on one side: the other side may be serving.
            cluster.member(1).getLifecycleService().terminate();
            cluster.member(2).getLifecycleService().terminate();

            Await.until(TIMEOUT, "no quorum", () -> !hasQuorum(last));
            Await.pause(Duration.ofSeconds(2));
            assertThat(hasQuorum(last)).isFalse();
            assertThat(DataMemberQuorum.of(last).expectedCounts().get("expectedDataMembers")).isEqualTo(3);
            assertThatThrownBy(() -> last.getMap("messages").put("island", "write"))
                    .isInstanceOf(SplitBrainProtectionException.class);
        }
    }

    @Test
    void aMemberWhoseDataIsNotYetWholeDoesNotCount() {
        try (HazelcastTestCluster cluster = HazelcastTestCluster.start(3)) {
            // Member 2 stands for one still sending its entries after a merge: its record is not there yet.
            ReplicatedMap<UUID, Boolean> whole = cluster.member(0).getReplicatedMap(WholeDataMembers.MAP_NAME);
            whole.remove(cluster.member(2).getCluster().getLocalMember().getUuid());
            Await.until(TIMEOUT, "member 2's record gone", () -> whole.size() == 2);
            Await.until(TIMEOUT, "two whole members of three", () -> hasQuorum(cluster.member(0)));

            cluster.member(1).getLifecycleService().terminate();
            Await.until(TIMEOUT, "member 0 refusing beside a member whose data is not whole",
                    () -> !hasQuorum(cluster.member(0)));
            QuorumGuard guard = new QuorumGuard(cluster.member(0), true,
                    new PauseDetector(Duration.ofSeconds(3), Duration.ofSeconds(11)));
            assertThat(guard.present()).isFalse();
            // Hazelcast checks the quorum where the entry lives: a key member 0 owns, once the partitions settled.
            Await.until(TIMEOUT, "partitions settled", () -> cluster.member(0).getPartitionService().isClusterSafe());
            String key = IntStream.range(0, 1000).mapToObj(i -> "key-" + i).filter(candidate ->
                    cluster.member(0).getPartitionService().getPartition(candidate).getOwner().localMember())
                    .findFirst().orElseThrow();
            assertThatThrownBy(() -> cluster.member(0).getMap("messages").put(key, "not whole"))
                    .isInstanceOf(SplitBrainProtectionException.class);

            new WholeDataMembers(cluster.member(2));
            Await.until(TIMEOUT, "member 0 serving once member 2 is whole", () -> hasQuorum(cluster.member(0)));
            assertThat(guard.present()).isTrue();
        }
    }
}
