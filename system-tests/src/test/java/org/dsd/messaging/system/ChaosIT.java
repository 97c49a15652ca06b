package org.dsd.messaging.system;

import java.util.ArrayList;
import java.util.List;

import org.dsd.messaging.system.LocalTopology.Instance;
import org.junit.jupiter.api.Test;

/**
 * The chaos run on the seed topology with its default queue: any instance of any service is killed or frozen, two
 * at once at times, the facade in every run. (The Kafka variant is in {@link KafkaQueueIT}; network partitions are
 * in {@link SeveralHostsIT}.)
 */
class ChaosIT {

    @Test
    void killedAndFrozenInstancesLoseDoubleAndStaleNothing() throws Exception {
        try (LocalTopology topology = LocalTopology.seed("chaos")) {
            List<Instance> everyInstance = new ArrayList<>(topology.logging());
            everyInstance.addAll(topology.messages());
            everyInstance.add(topology.facade());
            ChaosRun.play(topology, everyInstance, instance -> true, ChaosRun.DURATION);
        }
    }
}
