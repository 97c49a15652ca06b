package org.dsd.messaging.facade;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.sun.net.httpserver.HttpServer;
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
 * The facade routes as many requests at once as clients send, each on the thread that received it: a logging
 * instance that answers only once twelve POSTs wait on it gets all twelve. (Camel's own engine routed at most eight
 * at once, on Spring's task executor, and queued the others behind them.)
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FacadeConcurrencyTest {

    private static final int CLIENTS = 12;
    private static final HazelcastTestCluster CLUSTER = HazelcastTestCluster.start(1);
    private static final CountDownLatch ALL_WAITING = new CountDownLatch(CLIENTS);
    private static final ExecutorService LOGGING_THREADS = Executors.newCachedThreadPool();
    private static final HttpServer LOGGING = logsOnceAllClientsWait();

    @DynamicPropertySource
    static void pointAtTheWaitingLoggingInstance(DynamicPropertyRegistry registry) {
        CLUSTER.join(registry, "client");
        registry.add("app.discovery", () -> "static");
        registry.add("app.facade.logging-urls", () -> "http://127.0.0.1:" + LOGGING.getAddress().getPort());
        registry.add("app.facade.messages-urls", FreePort::deadUrl);
    }

    @AfterAll
    static void stop() {
        LOGGING.stop(0);
        LOGGING_THREADS.shutdownNow();
        CLUSTER.close();
    }

    @LocalServerPort
    int port;

    @Test
    void twelvePostsAreRoutedAtOnce() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<Answer>> posts = IntStream.range(0, CLIENTS)
                    .mapToObj(i -> clients.submit(() -> Http.post("http://127.0.0.1:" + port + "/facade",
                            "text/plain", "message " + i)))
                    .toList();

            assertThat(ALL_WAITING.await(8, TimeUnit.SECONDS))
                    .as("all twelve POSTs reached the logging instance at the same time").isTrue();
            for (Future<Answer> post : posts) {
                assertThat(post.get(10, TimeUnit.SECONDS).status()).isEqualTo(201);
            }
            // A POST waits for its offer at most queue-offer-wait: on a busy machine the last ones land after it.
            Await.until(Duration.ofSeconds(10), "every message queued",
                    () -> CLUSTER.member(0).getQueue("messages").size() == CLIENTS);
        } finally {
            clients.shutdownNow();
        }
    }

    /** Each POST /logging waits until twelve are waiting (at most 9 s, below the facade's timeout), then 201. */
    private static HttpServer logsOnceAllClientsWait() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), CLIENTS);
            server.setExecutor(LOGGING_THREADS);
            server.createContext("/logging", exchange -> {
                exchange.getRequestBody().readAllBytes();
                ALL_WAITING.countDown();
                try {
                    ALL_WAITING.await(9, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                byte[] answer = "{\"success\":\"Message Was Logged\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(201, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
