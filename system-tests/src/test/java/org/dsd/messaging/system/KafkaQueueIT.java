package org.dsd.messaging.system;

import java.time.Duration;
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
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue swapped to a real Kafka broker by {@code app.queue.uri} alone (the value the README gives), with a
 * messages instance killed -9 under load and restarted: nothing is lost or doubled, and both instances share
 * the work, since the facade keys each record by its uuid.
 */
class KafkaQueueIT {

    // A topic per test: a later test's consumer group must not find an earlier one's records and offsets.
    private static final EmbeddedKafkaKraftBroker KAFKA = new EmbeddedKafkaKraftBroker(1, 4, "messages", "chaos");

    @BeforeAll
    static void startKafka() {
        KAFKA.afterPropertiesSet();
    }

    @AfterAll
    static void stopKafka() {
        KAFKA.destroy();
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

    /** The chaos run killing the messages instances (Kafka's consumers) only; half as long. */
    @Test
    void killedConsumersLoseAndDoubleNothing() throws Exception {
        try (LocalTopology topology = LocalTopology.seed("kafka-chaos", "--app.queue.uri=" + queueUri("chaos"))) {
            ChaosRun.play(topology, topology.messages(), instance -> false, ChaosRun.DURATION.dividedBy(2));
        }
    }

    /** The value the README gives, on the embedded broker. */
    private static String queueUri(String topic) {
        return "kafka:" + topic + "?brokers=" + KAFKA.getBrokersAsString()
                + "&groupId=messages&autoOffsetReset=earliest&breakOnFirstError=true&sessionTimeoutMs=10000";
    }
}
