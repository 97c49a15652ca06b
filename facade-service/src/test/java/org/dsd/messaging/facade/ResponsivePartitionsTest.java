package org.dsd.messaging.facade;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The partition probes, from a client as the facade makes them, against a real member. */
class ResponsivePartitionsTest {

    private static final HazelcastTestCluster CLUSTER = HazelcastTestCluster.start(1);

    @AfterAll
    static void stopAll() {
        CLUSTER.close();
    }

    /**
     * A write that was only slow (every partition answers): each partition is probed, then the probes end at once
     * instead of going on for 10 s, and noting the answers costs no thread each (on two cores Hazelcast's default
     * executor for a future's callback starts one per callback: 2,710 a second while probing).
     */
    @Test
    void probesOfPartitionsThatAllAnswerEndWithoutAThreadPerAnswer() {
        HazelcastInstance client = CLUSTER.startClient();
        int partitionCount = client.getPartitionService().getPartitions().size();
        IMap<String, Long> probes = client.getMap(ResponsivePartitions.PROBE_MAP);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long startedBefore = threads.getTotalStartedThreadCount();
        long before = System.nanoTime();
        ResponsivePartitions partitions = new ResponsivePartitions(client);
        try {
            partitions.probe();
            Await.until(Duration.ofSeconds(5), "a probe of every partition written",
                    () -> probes.size() == partitionCount
                            && probes.values().stream().allMatch(sent -> sent - before > 0));
            Await.pause(Duration.ofMillis(300));
            Map<String, Long> afterTheyAnswered = Map.copyOf(probes);
            Await.pause(Duration.ofMillis(500));

            assertThat(Map.copyOf(probes)).as("probes once every partition answered").isEqualTo(afterTheyAnswered);
            assertThat(Stream.of(ResponsivePartitions.keyPerPartition(client.getPartitionService()))
                    .filter(partitions::heldUp)).as("partitions held up").isEmpty();
            assertThat(threads.getTotalStartedThreadCount() - startedBefore)
                    .as("threads started while probing %d partitions", partitionCount).isLessThan(50);
        } finally {
            partitions.destroy();
        }
    }

    /**
     * A partition that answered and then froze keeps the probes going after every other one has answered too (its
     * next probe is under way): a write held up there is written again on a partition seen answering meanwhile.
     */
    @Test
    void probesGoOnWhileAPartitionThatAnsweredIsHeldUp() {
        HazelcastInstance member = CLUSTER.member(0);
        HazelcastInstance client = CLUSTER.startClient();
        IMap<String, Long> probes = client.getMap(ResponsivePartitions.PROBE_MAP);
        List<String> probeKeys = List.of(ResponsivePartitions.keyPerPartition(client.getPartitionService()));
        List<String> onThreadZero = probeKeys.stream()
                .filter(key -> FacadeWithAHeldUpPartitionTest.partitionThread(member, key) == 0).toList();
        long before = System.nanoTime();
        FacadeWithAHeldUpPartitionTest.holdUpPartitionThread(member, 1, Duration.ofMillis(1500));
        ResponsivePartitions partitions = new ResponsivePartitions(client);
        try {
            partitions.probe();
            Await.until(Duration.ofSeconds(5), "the probes of partition thread 0 written", () -> onThreadZero.stream()
                    .map(probes::get).allMatch(sent -> sent != null && sent - before > 0));
            FacadeWithAHeldUpPartitionTest.holdUpPartitionThread(member, 0, Duration.ofSeconds(4));
            // Partition thread 1 answers again after 1.5 s: every partition has then answered since the probes began.
            Await.pause(Duration.ofMillis(1800));

            String heldUp = onThreadZero.get(0);
            assertThat(partitions.heldUp(heldUp)).as("a partition of thread 0 held up").isTrue();
            assertThat(partitions.rekeyed(heldUp)).as("a uuid on a partition seen answering").isNotNull();
        } finally {
            partitions.destroy();
        }
    }
}
