package org.dsd.messaging.facade;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.dsd.messaging.testservices.FreePort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The facade routes as many requests at once as clients send, each on the thread that received it, and their log
 * writes share the trip to logging: while the two batches under way are held up, the other POSTs' writes wait
 * together and go as one batch once a slot is free. (Camel's own engine routed at most eight at once, on Spring's
 * task executor, and queued the others behind them: their writes would come in two batches.) Two of the twelve are
 * the same POST under one Idempotency-Key, as a client's retry races its first attempt: a batch names a uuid once,
 * so the repeat goes in a later one.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // Batches are never overdue here: LogBatchesOverdueSlotTest has them overdue.
        properties = {"app.facade.log-batches-under-way=2", "app.facade.hedge-after=30s"})
class FacadeConcurrencyTest {

    private static final int CLIENTS = 12;
    private static final HazelcastTestCluster CLUSTER = HazelcastTestCluster.start(1);
    private static final HeldBatchLogging LOGGING = new HeldBatchLogging(2);

    @DynamicPropertySource
    static void pointAtTheHeldUpLoggingInstance(DynamicPropertyRegistry registry) {
        CLUSTER.join(registry, "client");
        registry.add("app.discovery", () -> "static");
        registry.add("app.facade.logging-urls", LOGGING::url);
        registry.add("app.facade.messages-urls", FreePort::deadUrl);
    }

    @AfterAll
    static void stop() {
        LOGGING.close();
        CLUSTER.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry metrics;

    @Test
    void twelvePostsAreRoutedAtOnceAndTheirWritesWaitingTogetherGoAsOneBatch() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<Answer>> posts = new ArrayList<>(IntStream.range(0, CLIENTS - 2)
                    .mapToObj(i -> clients.submit(() -> post("message " + i, "key " + i))).toList());
            Await.until(Duration.ofSeconds(8), "two batches held up and eight writes waiting in the facade",
                    () -> LOGGING.batches().size() == 2 && waiting() == CLIENTS - 4);
            posts.add(clients.submit(() -> post("once more", "the same key")));
            posts.add(clients.submit(() -> post("once more", "the same key")));
            Await.until(Duration.ofSeconds(8), "ten writes waiting", () -> waiting() == CLIENTS - 2);
            LOGGING.release();
            for (Future<Answer> post : posts) {
                assertThat(post.get(10, TimeUnit.SECONDS).status()).isEqualTo(201);
            }
            // The ten waiting go as one batch but for the repeat, which goes in another (the two freed slots send
            // them at once, in either order).
            assertThat(LOGGING.batches()).hasSize(4).startsWith(1, 1);
            assertThat(LOGGING.batches().subList(2, 4)).containsExactlyInAnyOrder(9, 1);
            assertThat(metrics.get("facade.log.batch.entries").summary().totalAmount()).isEqualTo(CLIENTS);
            // A POST waits for its offer at most queue-offer-wait: on a busy machine the last ones land after it.
            Await.until(Duration.ofSeconds(10), "every message queued",
                    () -> CLUSTER.member(0).getQueue("messages").size() == CLIENTS);
        } finally {
            LOGGING.release();
            clients.shutdownNow();
        }
    }

    private Answer post(String text, String idempotencyKey) {
        return Http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/facade"))
                .header("Content-Type", "text/plain").header(IdempotencyKeys.HEADER, idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(text)));
    }

    private double waiting() {
        return metrics.get("facade.log.writes.waiting").gauge().value();
    }
}
