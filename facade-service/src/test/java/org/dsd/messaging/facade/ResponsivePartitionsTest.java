package org.dsd.messaging.facade;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

import com.hazelcast.core.HazelcastInstance;
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
     * Every partition is seen answering, and noting the answers costs no thread each: on two cores Hazelcast's
     * default executor for a future's callback starts one per callback (2,710 a second while probing), which a
     * fresh facade under load paid for 10 s.
     */
    @Test
    void probingSeesEveryPartitionAnswerWithoutAThreadPerAnswer() {
        HazelcastInstance client = CLUSTER.startClient();
        int partitionCount = client.getPartitionService().getPartitions().size();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ResponsivePartitions partitions = new ResponsivePartitions(client);
        try {
            long startedBefore = threads.getTotalStartedThreadCount();
            partitions.probe();
            Await.until(Duration.ofSeconds(5), "every partition seen answering",
                    () -> partitions.responsiveCount() == partitionCount);
            Await.pause(Duration.ofSeconds(1));

            assertThat(partitions.responsiveCount()).isEqualTo(partitionCount);
            assertThat(threads.getTotalStartedThreadCount() - startedBefore)
                    .as("threads started while probing %d partitions ten times a second", partitionCount)
                    .isLessThan(50);
        } finally {
            partitions.destroy();
        }
    }
}
