package org.dsd.messaging.system;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The queue swapped to a JMS queue on an ActiveMQ Artemis broker (a process of its own) by configuration alone, the
 * values the README gives; the chaos run strikes the broker, its producer (the facade) and its consumers.
 */
class JmsQueueIT {

    private static Broker artemis;

    @BeforeAll
    static void startArtemis() throws Exception {
        artemis = Broker.artemis("artemis-broker");
    }

    @AfterAll
    static void stopArtemis() throws InterruptedException {
        artemis.close();
    }

    @Test
    void aStruckBrokerAndItsClientsLoseAndDoubleNothing() throws Exception {
        try (LocalTopology topology = LocalTopology.seed("jms-chaos",
                "--spring.artemis.broker-url=tcp://" + artemis.address() + "?consumerWindowSize=0",
                "--app.queue.uri=jms:queue:messages?transacted=true&cacheLevelName=CACHE_CONSUMER&concurrentConsumers=4&recoveryInterval=1000")) {
            ChaosRun.play(topology, KafkaQueueIT.queueAndItsClients(topology, artemis), target -> true,
                    ChaosRun.DURATION.dividedBy(2));
        }
    }
}
