package org.dsd.messaging.facade;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.dsd.messaging.model.StoredMessage;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.dsd.messaging.testing.ServiceContexts;
import org.dsd.messaging.testservices.LoggingService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A partition thread of the only member held up for seconds, as a frozen member holds up the partitions it owns or
 * backs up: a POST whose uuid falls there is written again under a uuid on a partition that answers, and answered
 * with that one within a second or two; once those partitions are known, later POSTs get uuids elsewhere at once.
 * Once the held-up writes land, the list still holds each message once, under the uuid its client got.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FacadeWithAHeldUpPartitionTest {

    private static final HazelcastTestCluster CLUSTER = HazelcastTestCluster.start(1);
    private static final Duration HELD_UP = Duration.ofSeconds(12);
    private static ConfigurableApplicationContext logging;

    @DynamicPropertySource
    static void startLogging(DynamicPropertyRegistry registry) {
        logging = LoggingService.startAsTheOnlyOne(CLUSTER, registry);
    }

    @AfterAll
    static void stopAll() {
        logging.close();
        CLUSTER.close();
    }

    @LocalServerPort
    int port;

    @Test
    void aPostHeldUpOnItsPartitionIsAnsweredUnderAnotherUuidAndListedOnce() {
        HazelcastInstance member = CLUSTER.member(0);
        IMap<String, StoredMessage> stored = member.getMap("messages");
        String facade = "http://127.0.0.1:" + port + "/facade";
        Map<String, String> acknowledged = new HashMap<>();
        // A cold facade's first POST can be slow enough to start the partition probes (for 10 s), which would find
        // the hold before any POST meets it: the later ones then never need writing again. Warm up; let them end.
        Answer warmUp = Http.post(facade, "text/plain", "warm-up");
        assertThat(warmUp.status()).as(warmUp.body()).isEqualTo(201);
        acknowledged.put(warmUp.json().at("/message/uuid").asText(), "warm-up");
        Await.pause(Duration.ofSeconds(11));
        holdUpPartitionThread(member, 0, HELD_UP);

        int rekeyed = 0;
        int clearOfIt = 0;
        long heldUntil = System.nanoTime() + HELD_UP.minusSeconds(4).toNanos();
        for (int i = 0; clearOfIt < 5 && System.nanoTime() - heldUntil < 0; i++) {
            long began = System.nanoTime();
            Answer answer = Http.post(facade, "text/plain", "held up " + i);
            Duration took = Duration.ofNanos(System.nanoTime() - began);

            assertThat(answer.status()).as(answer.body()).isEqualTo(201);
            assertThat(took).as("POST %d", i).isLessThan(Duration.ofSeconds(3));
            String uuid = answer.json().at("/message/uuid").asText();
            acknowledged.put(uuid, "held up " + i);
            if (rekeyed > 0) {
                // Once the held-up partitions are known, a message is given a uuid elsewhere before its first write.
                assertThat(UUID.fromString(uuid).version()).as("POST %d written again", i).isEqualTo(4);
                assertThat(partitionThread(member, uuid)).as("partition thread of POST %d", i).isNotZero();
                clearOfIt++;
            } else if (UUID.fromString(uuid).version() == 3) {
                rekeyed++;
                assertThat(stored.get(uuid).supersedes()).as("the write it replaced").isNotNull();
            }
        }
        assertThat(rekeyed).as("POSTs written again under another uuid").isEqualTo(1);
        assertThat(clearOfIt).as("POSTs given a uuid clear of the held-up partitions").isEqualTo(5);

        // The held-up writes land once the partition thread is free again; they stay out of the list.
        Await.until(HELD_UP.plusSeconds(10), "every replaced write landed", () -> acknowledged.keySet().stream()
                .map(stored::get).filter(message -> message.supersedes() != null)
                .allMatch(message -> stored.containsKey(message.supersedes())));
        List<String> listed = Http.uuids(Http.get(ServiceContexts.baseUrl(logging) + "/logging").json());
        assertThat(listed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(acknowledged.keySet());
        List<String> paged = Http.uuids(Http.get(ServiceContexts.baseUrl(logging) + "/logging?limit=1000").json());
        assertThat(paged).containsExactlyElementsOf(listed);
    }

    /**
     * Holds up one partition thread of the member for {@code held}, as a frozen member holds up its partitions: every
     * partition whose operations run on it waits behind an entry processor that sleeps.
     */
    static void holdUpPartitionThread(HazelcastInstance member, int thread, Duration held) {
        String key = null;
        for (int i = 0; key == null; i++) {
            if (partitionThread(member, "hold-" + i) == thread) {
                key = "hold-" + i;
            }
        }
        long sleepMillis = held.toMillis();
        member.<String, String>getMap("held-up").submitToKey(key, entry -> {
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
    }

    /** The partition thread that runs the operations on {@code key}: Hazelcast's default count of them. */
    static int partitionThread(HazelcastInstance member, String key) {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        return member.getPartitionService().getPartition(key).getPartitionId() % threads;
    }
}
