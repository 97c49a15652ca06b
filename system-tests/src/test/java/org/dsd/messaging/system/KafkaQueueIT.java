package org.dsd.messaging.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dsd.messaging.system.LocalTopology.Instance;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue swapped to a real Kafka broker (a process of its own) by {@code app.queue.uri} alone, the value the
 * README gives: a messages instance killed -9 under load loses and doubles nothing, both instances share the work
 * (the facade keys each record by its uuid), and the chaos run strikes the broker, its consumers and the facade.
 */
class KafkaQueueIT {

    private static Broker kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = Broker.kafka("kafka-broker");
    }

    @AfterAll
    static void stopKafka() throws InterruptedException {
        kafka.close();
    }

    @Test
    void aKilledMessagesInstanceLosesNothingAndBothInstancesGetAShare() throws Exception {
        try (LocalTopology topology = LocalTopology.seed("kafka", "--app.queue.uri=" + queueUri("messages"))) {
            // Until the consumer group has settled one instance may hold every partition: post until both serve.
            Set<String> acknowledged = new HashSet<>();
            Await.until(Duration.ofSeconds(90), "both instances consuming", () -> {
                acknowledged.addAll(PostLoad.start(topology.facadeUrl(), "kafka-warm-up-" + acknowledged.size(), 2, 5)
                        .finish());
                return topology.messages().stream()
                        .allMatch(instance -> !Http.get(instance.url() + "/messages").json().isEmpty());
            });

            Instance victim = topology.messages().get(0);
            PostLoad load = PostLoad.start(topology.facadeUrl(), "kafka", 8, 100);
            load.awaitProgress(0.3);
            victim.kill();
            load.awaitProgress(0.6);
            victim.start();
            victim.awaitReady();

            Set<String> loaded = load.finish();

            Figures.print("%s%n", "load over Kafka with a messages instance killed: retried " + load.retried());
            assertThat(loaded).hasSize(load.total());
            acknowledged.addAll(loaded);
            Map<Instance, List<String>> consumed = topology.consumed(acknowledged.size());
            FaultToleranceIT.assertConsumedOnceEach(consumed, acknowledged);
            consumed.forEach((instance, uuids) -> System.out.println(instance.name() + " consumed " + uuids.size()));
        }
    }

    /** The chaos run striking the broker, its producer (the facade) and its consumers; half as long. */
    @Test
    void aStruckBrokerAndItsClientsLoseAndDoubleNothing() throws Exception {
        try (LocalTopology topology = LocalTopology.seed("kafka-chaos", "--app.queue.uri=" + queueUri("chaos"))) {
            ChaosRun.play(topology, queueAndItsClients(topology, kafka), target -> true,
                    ChaosRun.DURATION.dividedBy(2));
        }
    }

    /** The targets of a chaos run on a swapped queue: the messages instances, the facade and the broker. */
    static List<Target> queueAndItsClients(LocalTopology topology, Broker broker) {
        List<Target> targets = new ArrayList<>(topology.messages());
        targets.add(topology.facade());
        targets.add(broker);
        return targets;
    }

    /** The value the README gives; a topic per test, so that a test's consumer group finds no earlier records. */
    private static String queueUri(String topic) {
        return "kafka:" + topic + "?brokers=" + kafka.address()
                + "&groupId=messages&autoOffsetReset=earliest&breakOnFirstError=true&sessionTimeoutMs=10000";
    }
}
