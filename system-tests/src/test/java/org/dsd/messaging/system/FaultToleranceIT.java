package org.dsd.messaging.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.hazelcast.collection.IQueue;
import org.dsd.messaging.system.LocalTopology.Instance;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The seeds' fault-tolerance scenarios, played with real processes that are killed with SIGKILL. */
class FaultToleranceIT {

    private static List<String> postMessages(LocalTopology topology, String prefix, int count) {
        List<String> uuids = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            Answer answer = Http.post(topology.facadeUrl(), "application/x-www-form-urlencoded", "msg=" + prefix + i);
            assertThat(answer.status()).as(answer.body()).isEqualTo(201);
            uuids.add(answer.json().at("/message/uuid").asText());
        }
        return uuids;
    }

    private static List<String> loggedUuids(LocalTopology topology) {
        Answer answer = Http.get(topology.facadeUrl());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return Http.uuids(answer.json().get("logging-service"));
    }

    /**
     * Everything listed once, the groups in the order they were posted, the first one in its own order too. The list's
     * order is the members' cluster time, which each member takes from the master: right after the master died, or on
     * a member that has just joined, back-to-back POSTs logged by different members may swap places (the README's
     * ordering note; seen in CI: three POSTs right after the master's kill). Groups posted seconds apart do not.
     */
    private static void assertListedGroupByGroup(List<String> listed, List<List<String>> groups) {
        assertThat(listed).hasSize(groups.stream().mapToInt(List::size).sum())
                .startsWith(groups.get(0).toArray(String[]::new));
        int from = 0;
        for (List<String> group : groups) {
            assertThat(listed.subList(from, from + group.size())).as("listed from %d", from)
                    .containsExactlyInAnyOrderElementsOf(group);
            from += group.size();
        }
    }

    @Test
    void lab3LoggingSurvivesAKilledInstanceAndTheLastOfThreeRefusesUntilASecondIsBack() throws Exception {
        try (LocalTopology topology = LocalTopology.seed("lab3")) {
            List<String> first = postMessages(topology, "msg", 10);

            topology.logging().get(0).kill();

            assertThat(loggedUuids(topology)).containsExactlyElementsOf(first);
            List<String> afterFirstKill = postMessages(topology, "after-first-kill-", 10);

            topology.awaitClusterSafe();
            topology.logging().get(1).kill();

            // One of three cannot tell two dead members from a split that it is the small side of: it refuses.
            Instance last = topology.logging().get(2);
            Await.until(Duration.ofSeconds(30), "the last member not ready",
                    () -> Http.get(last.url() + "/actuator/health/readiness").status() == 503);
            Answer refused = Http.get(last.url() + "/logging");
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().get("error").asText()).contains("minority side of a split");
            assertThat(Http.get(topology.facadeUrl()).status()).isEqualTo(503);

            topology.logging().get(0).start();
            topology.logging().get(0).awaitReady();

            assertListedGroupByGroup(loggedUuids(topology), List.of(first, afterFirstKill));
            List<String> afterRestart = postMessages(topology, "after-restart-", 5);
            assertListedGroupByGroup(loggedUuids(topology), List.of(first, afterFirstKill, afterRestart));
            List<String> posted = Stream.of(first, afterFirstKill, afterRestart).flatMap(List::stream).toList();
            assertConsumedOnceEach(topology.consumed(posted.size()), Set.copyOf(posted));
        }
    }

    @Test
    void stoppingLoggingInstancesOneByOneWithSigtermLosesNothing() throws Exception {
        try (LocalTopology topology = LocalTopology.seed("graceful")) {
            List<String> posted = postMessages(topology, "msg", 30);
            Instance last = topology.logging().get(2);

            // No wait in between: each SIGTERM returns once the member has handed its partitions over.
            topology.logging().get(0).stop();
            topology.logging().get(1).stop();

            assertThat(Http.uuids(Http.get(last.url() + "/logging").json())).containsExactlyElementsOf(posted);
        }
    }

    @Test
    void lab4QueuedMessagesSurviveTheDeathOfTheMemberHoldingTheQueue() throws Exception {
        try (LocalTopology topology = LocalTopology.seed("lab4")) {
            for (Instance messages : topology.messages()) {
                messages.stop();
            }
            List<String> posted = postMessages(topology, "msg", 10);

            IQueue<Object> queue = topology.client().getQueue("messages");
            assertThat(queue.size()).isEqualTo(10);
            topology.queueOwner().kill();
            topology.messages().forEach(Instance::start);
            topology.messages().forEach(Instance::awaitReady);

            assertConsumedOnceEach(topology.consumed(posted.size()), Set.copyOf(posted));
            assertThat(queue.size()).isZero();
        }
    }

    @Test
    void underLoadEveryPostIsLoggedAndConsumedExactlyOnceThoughALoggingInstanceIsKilled() throws Exception {
        try (LocalTopology topology = LocalTopology.seed("load")) {
            PostLoad load = PostLoad.start(topology.facadeUrl(), "load", 8, 250);
            load.awaitProgress(0.5);
            topology.logging().get(2).kill();

            Set<String> acknowledged = load.finish();

            System.out.println("load with a logging member killed: retried " + load.retried());
            assertThat(acknowledged).hasSize(load.total());
            assertThat(loggedUuids(topology)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(acknowledged);
            assertConsumedOnceEach(topology.consumed(load.total()), acknowledged);
        }
    }

    @Test
    void underLoadAMessagesInstanceKilledAndRestartedLosesNothingAndStillListsWhatItConsumed() throws Exception {
        try (LocalTopology topology = LocalTopology.seed("consumer-kill")) {
            Instance victim = topology.messages().get(0);
            PostLoad load = PostLoad.start(topology.facadeUrl(), "consumer-kill", 8, 150);
            load.awaitProgress(0.3);
            List<String> listedBeforeDeath = Http.uuids(Http.get(victim.url() + "/messages").json());
            victim.kill();
            load.awaitProgress(0.6);
            victim.start();
            victim.awaitReady();

            Set<String> acknowledged = load.finish();

            System.out.println("load with a messages instance killed: retried " + load.retried());
            assertThat(acknowledged).hasSize(load.total());
            Map<Instance, List<String>> consumed = topology.consumed(load.total());
            assertConsumedOnceEach(consumed, acknowledged);
            assertThat(listedBeforeDeath).isNotEmpty();
            // A set, not a prefix: a cluster query is not a point-in-time snapshot across members, so the list
            // taken under load may miss an entry recorded a moment before one it shows.
            assertThat(consumed.get(victim)).as("what the killed instance listed before")
                    .containsAll(listedBeforeDeath);
        }
    }

    /** Every acknowledged message is listed by exactly one messages instance, exactly once. */
    static void assertConsumedOnceEach(Map<Instance, List<String>> consumed, Set<String> acknowledged) {
        List<String> all = new ArrayList<>();
        consumed.values().forEach(all::addAll);
        assertThat(all).as("listed by two instances or twice").doesNotHaveDuplicates();
        assertThat(all).containsExactlyInAnyOrderElementsOf(acknowledged);
    }
}
