package org.dsd.messaging.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
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
     * Everything listed once, the groups in the order they were posted. The list's order is the members' cluster
     * time, which each member takes from the master: right after the master died, or on members that have just
     * started, back-to-back POSTs logged by different members may swap places (docs/design.md; seen in CI: three
     * POSTs right after the master's kill, and the fifth of the first ten after start-up listed second). Groups posted
     * seconds apart do not.
     */
    private static void assertListedGroupByGroup(List<String> listed, List<List<String>> groups) {
        assertThat(listed).hasSize(groups.stream().mapToInt(List::size).sum());
        int from = 0;
        for (List<String> group : groups) {
            assertThat(listed.subList(from, from + group.size())).as("listed from %d", from)
                    .containsExactlyInAnyOrderElementsOf(group);
            from += group.size();
        }
    }

    /**
     * Seed lab 3, scenarios C and D with crashes: kill -9 of one logging instance, then (once the cluster is safe
     * again) of a second one. The last one serves everything, POST and GET, and a client that never retries, posting
     * and reading all along, gets no error. Restarted, all three list everything.
     */
    @Test
    void lab3CrashesOneAfterAnotherLeaveTheLastLoggingInstanceServingAClientThatNeverRetries() throws Exception {
        try (LocalTopology topology = LocalTopology.seed("lab3")) {
            List<String> first = postMessages(topology, "msg", 10);
            List<String> afterFirstKill;
            List<String> afterSecondKill;
            NonRetryingClient client = NonRetryingClient.start(topology.facadeUrl(), "seed-client",
                    Duration.ofMillis(100));
            try (client) {
                Await.pause(Duration.ofSeconds(2));
                topology.logging().get(0).kill();

                // Scenario C: the very next requests are served by the others.
                assertThat(loggedUuids(topology)).containsAll(first);
                afterFirstKill = postMessages(topology, "after-first-kill-", 10);

                topology.awaitClusterSafe();
                topology.logging().get(1).kill();

                // Scenario D: the last of three serves, beside the messages instances (the quorum's witnesses).
                Instance last = topology.logging().get(2);
                assertThat(Http.get(last.url() + "/actuator/health/readiness").status()).isEqualTo(200);
                assertThat(loggedUuids(topology)).containsAll(first).containsAll(afterFirstKill);
                afterSecondKill = postMessages(topology, "after-second-kill-", 10);
                Await.pause(Duration.ofSeconds(2));
            }
            Figures.print("%s%n", "seed client during two crashes: " + client.summary());
            assertThat(client.errors()).as("answers other than 201/200 to a client that never retries").isEmpty();

            topology.logging().get(0).start();
            topology.logging().get(1).start();
            topology.logging().get(0).awaitReady();
            topology.logging().get(1).awaitReady();

            List<List<String>> groups = List.of(first, afterFirstKill, afterSecondKill);
            for (Instance logging : topology.logging()) {
                List<String> listed = Http.uuids(Http.get(logging.url() + "/logging").json());
                assertThat(listed).as("listed by " + logging.name()).containsAll(client.acknowledged());
                listed.retainAll(groups.stream().flatMap(List::stream).toList());
                assertListedGroupByGroup(listed, groups);
            }
            Set<String> posted = new HashSet<>(client.acknowledged());
            groups.forEach(posted::addAll);
            assertConsumedOnceEach(topology.consumed(posted.size()), posted);
        }
    }

    /**
     * What the last member cannot tell from a split that it is the small side of: its two peers silent at once
     * (frozen together, as a cable pull would cut them off). It refuses, and serves everything again once they are
     * back.
     */
    @Test
    void twoLoggingInstancesSilentAtOnceLeaveTheLastRefusingUntilTheyAreBack() throws Exception {
        try (LocalTopology topology = LocalTopology.seed("split")) {
            List<String> first = postMessages(topology, "msg", 10);

            topology.logging().get(0).freeze();
            topology.logging().get(1).freeze();

            Instance last = topology.logging().get(2);
            Await.until(Duration.ofSeconds(30), "the last member not ready",
                    () -> Http.get(last.url() + "/actuator/health/readiness").status() == 503);
            Answer refused = Http.get(last.url() + "/logging");
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().get("error").asText()).contains("minority side of a split");

            topology.logging().get(0).resume();
            topology.logging().get(1).resume();
            topology.logging().forEach(Instance::awaitReady);
            // Their entries expired while no side could serve: the facade lists them once they renew (each second).
            topology.awaitFacadeSeesEveryInstance();

            // One group: the POSTs came right after start-up, when back-to-back ones may swap places.
            assertListedGroupByGroup(loggedUuids(topology), List.of(first));
            assertListedGroupByGroup(Http.uuids(Http.get(last.url() + "/logging").json()), List.of(first));
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

            // In any order: the POSTs came right after start-up, when back-to-back POSTs logged by different members
            // may swap places (seen in CI: two neighbours swapped; see assertListedGroupByGroup).
            assertThat(Http.uuids(Http.get(last.url() + "/logging").json())).containsExactlyInAnyOrderElementsOf(posted);
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

            Figures.print("%s%n", "load with a logging member killed: retried " + load.retried() + ", slowest answer "
                    + load.slowestAnswerSentFrom(Long.MIN_VALUE));
            assertNoClientNeededARetry(load);
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

            Figures.print("%s%n", "load with a messages instance killed: retried " + load.retried() + ", slowest answer "
                    + load.slowestAnswerSentFrom(Long.MIN_VALUE));
            assertNoClientNeededARetry(load);
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

    /** The clients would not have needed their retries: every POST answered 201, none slower than 2 s. */
    private static void assertNoClientNeededARetry(PostLoad load) {
        assertThat(load.retried()).as("answers other than 201").isEmpty();
        assertThat(load.slowestAnswerSentFrom(Long.MIN_VALUE)).isLessThan(Duration.ofSeconds(2));
    }

    /** Every acknowledged message is listed by exactly one messages instance, exactly once. */
    static void assertConsumedOnceEach(Map<Instance, List<String>> consumed, Set<String> acknowledged) {
        List<String> all = new ArrayList<>();
        consumed.values().forEach(all::addAll);
        assertThat(all).as("listed by two instances or twice").doesNotHaveDuplicates();
        assertThat(all).containsExactlyInAnyOrderElementsOf(acknowledged);
    }
}
