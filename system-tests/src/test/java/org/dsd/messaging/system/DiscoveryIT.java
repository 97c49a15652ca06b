package org.dsd.messaging.system;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.dsd.messaging.system.LocalTopology.Instance;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Discovery through the registry with real processes: nothing tells the facade where the instances are. Instances
 * started later are used, killed and frozen ones are skipped, and the seed instances can all go.
 */
class DiscoveryIT {

    /** A registration's time to live (app.registry.ttl), plus the facade's view refresh and a busy machine's slack. */
    private static final Duration EXPIRY = Duration.ofSeconds(15 + 1 + 9);
    /** The http component's response timeout in the facade: what a request that picked a hung instance waits. */
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Calls to a hung instance made before it counts as stalled (2 s without an answer) wait out the response
     * timeout; the ones after go elsewhere.
     */
    private static final Duration FIRST_SECONDS = Duration.ofSeconds(4);

    @Test
    void instancesComeAndGoWithoutAnyoneBeingTold() throws Exception {
        try (LocalTopology topology = LocalTopology.seed("discovery")) {
            // Each registers once ready and in the majority; that may come a renewal after its readiness.
            topology.all().stream().filter(instance -> !instance.app.equals("facade"))
                    .forEach(instance -> awaitRegistered(topology, instance.app + "-service", instance, true));
            assertThat(topology.registered("logging-service"))
                    .containsExactlyInAnyOrderElementsOf(LocalTopology.urls(topology.logging()));
            assertThat(topology.registered("messages-service"))
                    .containsExactlyInAnyOrderElementsOf(LocalTopology.urls(topology.messages()));
            Answer unknown = Http.get(topology.facade().url() + "/services/config-server");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().get("error").asText()).startsWith("unknown service 'config-server'");
            Set<String> acknowledged = new HashSet<>();

            // Started later, on ports nobody configured: both get work at once.
            Instance addedLogging = topology.startAnother("logging");
            Instance addedMessages = topology.startAnother("messages");
            awaitRegistered(topology, "logging-service", addedLogging, true);
            awaitRegistered(topology, "messages-service", addedMessages, true);
            PostLoad load = PostLoad.start(topology.facadeUrl(), "added", 4, 25);
            acknowledged.addAll(load.finish());
            assertThat(addedLogging.logLinesContaining(" logged ")).as("POSTs logged by the added instance")
                    .isPositive();
            Await.until(Duration.ofSeconds(30), "the added messages instance consuming",
                    () -> !Http.get(addedMessages.url() + "/messages").json().isEmpty());

            // Killed without a word: skipped by failover until its registration expires.
            Instance killed = topology.logging().get(0);
            load = steadyLoad(topology, "kill");
            killed.kill();
            Duration expiredAfter = goneAfter(topology, killed, System.nanoTime());
            // The registry lost a member, not the others' entries.
            assertThat(topology.registered("logging-service")).containsAll(
                    LocalTopology.urls(topology.logging().stream().filter(Instance::isAlive).toList()));
            load.stop();
            acknowledged.addAll(load.finish());
            assertThat(load.unacknowledged()).isEmpty();
            assertThat(load.retried().keySet()).as("answers the clients retried after the kill")
                    .noneMatch(answer -> answer.contains("logging-service unavailable"));
            Figures.print("killed %s: left the registry after %s; %d POSTs, retried %s%n", killed.name(),
                    expiredAfter, load.requests(), load.retried());
            killed.start();
            killed.awaitReady();
            awaitRegistered(topology, "logging-service", killed, true);

            // Hung (SIGSTOP): after the first seconds no request waits for it. A logging instance that joins as a
            // Hazelcast client, so that only its HTTP hangs: a frozen member stalls the cluster itself (FreezeIT).
            topology.awaitClusterSafe();
            Instance frozen = topology.startAnotherAsClient("logging");
            awaitRegistered(topology, "logging-service", frozen, true);
            load = steadyLoad(topology, "freeze");
            frozen.freeze();
            long frozenAt = System.nanoTime();
            Duration leftAfter = goneAfter(topology, frozen, frozenAt);
            Thread.sleep(5_000);
            frozen.resume();
            load.stop();
            acknowledged.addAll(load.finish());
            Duration slowestLater = load.slowestAnswerSentFrom(frozenAt + FIRST_SECONDS.toNanos());
            Figures.print("froze %s: left the registry after %s; slowest answer %s, of those sent %s after the "
                            + "freeze %s; %d POSTs, retried %s%n", frozen.name(), leftAfter,
                    load.slowestAnswerSentFrom(frozenAt), FIRST_SECONDS, slowestLater, load.requests(),
                    load.retried());
            assertThat(load.unacknowledged()).isEmpty();
            assertThat(load.retried()).isEmpty();
            assertThat(slowestLater).as("the slowest answer to a POST sent %s after the freeze", FIRST_SECONDS)
                    .isLessThan(RESPONSE_TIMEOUT);
            awaitRegistered(topology, "logging-service", frozen, true);
            frozen.stop();

            // The seed's logging instances all go; the one added later serves alone.
            for (Instance seed : topology.logging().subList(0, 3)) {
                seed.stop();
                // Deregistered as it stopped; the facade's view follows within a second.
                awaitRegistered(topology, "logging-service", seed, false);
            }
            assertThat(topology.registered("logging-service")).containsExactly(addedLogging.url());
            load = PostLoad.start(topology.facadeUrl(), "alone", 2, 10);
            acknowledged.addAll(load.finish());
            assertThat(load.retried()).isEmpty();

            FaultToleranceIT.assertConsumedOnceEach(topology.consumed(acknowledged.size()), acknowledged);
        }
    }

    /** Four clients posting steadily, under way for two seconds. */
    private static PostLoad steadyLoad(LocalTopology topology, String prefix) {
        PostLoad load = PostLoad.untilStopped(topology.facadeUrl(), prefix, 4, Duration.ofMillis(20));
        Await.pause(Duration.ofSeconds(2));
        return load;
    }

    /** How long after {@code since} the logging instance left the registry. */
    private static Duration goneAfter(LocalTopology topology, Instance instance, long since) {
        awaitRegistered(topology, "logging-service", instance, false);
        return Duration.ofNanos(System.nanoTime() - since);
    }

    private static void awaitRegistered(LocalTopology topology, String service, Instance instance,
                                        boolean listed) {
        Await.until(EXPIRY, instance.name() + (listed ? " registered" : " gone from the registry"),
                () -> topology.registered(service).contains(instance.url()) == listed);
    }
}
