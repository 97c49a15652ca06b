package org.dsd.messaging.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.hazelcast.collection.IQueue;
import com.hazelcast.core.HazelcastInstance;
import org.dsd.messaging.system.LocalTopology.Instance;
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

    /** What every messages instance consumed, once all of {@code expected} arrived (or the wait ran out). */
    private static List<String> consumedUuids(LocalTopology topology, int expected) {
        List<String> consumed = Collections.synchronizedList(new ArrayList<>());
        LocalTopology.await(Duration.ofSeconds(90), expected + " messages consumed", () -> {
            consumed.clear();
            topology.messages().forEach(instance ->
                    consumed.addAll(Http.uuids(Http.get(instance.url() + "/messages").json())));
            return consumed.size() >= expected;
        });
        return consumed;
    }

    @Test
    void lab3LoggingSurvivesKilledInstancesOneAfterAnother() throws Exception {
        try (LocalTopology topology = LocalTopology.seed("lab3")) {
            List<String> posted = postMessages(topology, "msg", 10);

            topology.logging().get(0).kill();

            assertThat(loggedUuids(topology)).containsExactlyElementsOf(posted);
            posted.addAll(postMessages(topology, "after-first-kill-", 10));

            topology.awaitClusterSafe();
            topology.logging().get(1).kill();

            assertThat(loggedUuids(topology)).containsExactlyElementsOf(posted);
            posted.addAll(postMessages(topology, "after-second-kill-", 5));
            assertThat(loggedUuids(topology)).containsExactlyElementsOf(posted);
            List<String> consumed = consumedUuids(topology, posted.size());
            assertThat(consumed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(posted);
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

            HazelcastInstance client = topology.client();
            IQueue<Object> queue = client.getQueue("messages");
            assertThat(queue.size()).isEqualTo(10);
            int ownerPort = client.getPartitionService().getPartition(queue.getPartitionKey())
                    .getOwner().getAddress().getPort();
            Instance owner = topology.logging().stream().filter(i -> i.memberPort == ownerPort).findFirst()
                    .orElseThrow(() -> new AssertionError("no logging instance has member port " + ownerPort));
            owner.kill();
            topology.messages().forEach(Instance::start);
            topology.messages().forEach(Instance::awaitReady);

            List<String> consumed = consumedUuids(topology, posted.size());
            assertThat(consumed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(posted);
            assertThat(queue.size()).isZero();
        }
    }

    @Test
    void underLoadEveryPostIsLoggedAndConsumedExactlyOnceThoughALoggingInstanceIsKilled() throws Exception {
        int clients = 8;
        int postsPerClient = 250;
        int total = clients * postsPerClient;
        try (LocalTopology topology = LocalTopology.seed("load")) {
            Map<String, Integer> failures = new ConcurrentHashMap<>();
            Set<String> posted = ConcurrentHashMap.newKeySet();
            AtomicInteger done = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < postsPerClient; i++) {
                        Answer answer = Http.post(topology.facadeUrl(), "text/plain", "client" + client + "-" + i);
                        if (answer.status() == 201) {
                            posted.add(answer.json().at("/message/uuid").asText());
                        } else {
                            failures.merge(answer.status() + " " + answer.body(), 1, Integer::sum);
                        }
                        done.incrementAndGet();
                    }
                }));
            }
            LocalTopology.await(Duration.ofMinutes(3), "half of the posts", () -> done.get() >= total / 2);
            topology.logging().get(2).kill();
            for (Future<?> future : work) {
                future.get();
            }
            pool.shutdown();

            assertThat(failures).as("answers other than 201").isEmpty();
            assertThat(posted).hasSize(total);
            List<String> logged = loggedUuids(topology);
            assertThat(logged).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(posted);
            List<String> consumed = consumedUuids(topology, total);
            assertThat(new HashSet<>(consumed)).hasSize(consumed.size());
            assertThat(consumed).containsExactlyInAnyOrderElementsOf(posted);
        }
    }
}
