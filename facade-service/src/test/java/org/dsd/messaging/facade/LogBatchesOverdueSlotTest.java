package org.dsd.messaging.facade;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.dsd.messaging.testservices.FreePort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch that a logging instance holds (stalled, or waiting on a frozen member's partitions) gives up its slot
 * after {@code app.facade.hedge-after}: the writes behind it go in the next batch instead of waiting for it.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"app.facade.log-batches-under-way=1", "app.facade.hedge-after=300ms"})
class LogBatchesOverdueSlotTest {

    private static final HazelcastTestCluster CLUSTER = HazelcastTestCluster.start(1);
    private static final HeldBatchLogging LOGGING = new HeldBatchLogging(1);

    @DynamicPropertySource
    static void pointAtTheStallingLoggingInstance(DynamicPropertyRegistry registry) {
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

    @Test
    void aWriteBehindAStalledBatchGoesInTheNextOneOnceTheStalledOneIsOverdue() throws Exception {
        CompletableFuture<Answer> stalled = CompletableFuture.supplyAsync(() -> post("stalled", "first key"));
        Await.until(Duration.ofSeconds(8), "the first batch held", () -> LOGGING.batches().size() == 1);

        long began = System.nanoTime();
        Answer behind = post("behind it", "second key");

        assertThat(behind.status()).isEqualTo(201);
        // Its batch went once the first one was overdue (300 ms), long before the held one is answered (9 s).
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(4));
        assertThat(stalled).isNotDone();
        assertThat(LOGGING.batches()).containsExactly(1, 1);
        LOGGING.release();
        assertThat(stalled.get(10, TimeUnit.SECONDS).status()).isEqualTo(201);
    }

    private Answer post(String text, String idempotencyKey) {
        return Http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/facade"))
                .header("Content-Type", "text/plain").header(IdempotencyKeys.HEADER, idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(text)));
    }
}
