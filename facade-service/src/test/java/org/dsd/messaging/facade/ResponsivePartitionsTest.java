package org.dsd.messaging.facade;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;

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
            assertThat(IntStream.range(0, partitionCount).filter(p -> partitions.heldUp(keyOn(client, p))).count())
                    .as("partitions held up").isZero();
            assertThat(threads.getTotalStartedThreadCount() - startedBefore)
                    .as("threads started while probing %d partitions", partitionCount).isLessThan(50);
        } finally {
            partitions.destroy();
        }
    }

    private static String keyOn(HazelcastInstance client, int partition) {
        for (int i = 0;; i++) {
            String key = "key-" + i;
            if (client.getPartitionService().getPartition(key).getPartitionId() == partition) {
                return key;
            }
        }
    }
}
