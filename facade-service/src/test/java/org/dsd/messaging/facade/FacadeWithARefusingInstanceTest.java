package org.dsd.messaging.facade;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.dsd.messaging.logging.LoggingApplication;
import org.dsd.messaging.messages.MessagesApplication;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.dsd.messaging.testing.ServiceContexts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance of each service that answers every request 503 with {@code Retry-After: 1}, as one that is starting,
 * stopping or cut off does, beside a live one, and never backed off: a list it refuses is asked of the live one at
 * once, not a second later (the HTTP client's own retry of a 503 would wait that second on the same instance).
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FacadeWithARefusingInstanceTest {

    private static final HazelcastTestCluster CLUSTER = HazelcastTestCluster.start(1);
    private static final RefusingInstance REFUSING = new RefusingInstance();
    private static ConfigurableApplicationContext logging;
    private static ConfigurableApplicationContext messages;

    @DynamicPropertySource
    static void startEachServiceBesideARefusingInstance(DynamicPropertyRegistry registry) {
        logging = ServiceContexts.start(LoggingApplication.class, "logging", CLUSTER.appProperties("client"));
        messages = ServiceContexts.start(MessagesApplication.class, "messages", CLUSTER.appProperties("client"));
        CLUSTER.join(registry, "client");
        registry.add("app.discovery", () -> "static");
        registry.add("app.facade.logging-urls", () -> REFUSING.url() + "," + ServiceContexts.baseUrl(logging));
        registry.add("app.facade.messages-urls", () -> REFUSING.url() + "," + ServiceContexts.baseUrl(messages));
        // Picked first half of the time, however often it refused.
        registry.add("app.facade.failed-instance-backoff", () -> "1ms");
        registry.add("app.facade.failed-instance-max-backoff", () -> "1ms");
    }

    @AfterAll
    static void stopAll() {
        messages.close();
        logging.close();
        REFUSING.close();
        CLUSTER.close();
    }

    @LocalServerPort
    int port;

    @Test
    void aListTheRefusingInstanceRefusesIsAnsweredByTheLiveOneAtOnce() {
        String url = "http://127.0.0.1:" + port + "/facade";
        assertThat(Http.post(url, "text/plain", "listed").status()).isEqualTo(201);
        for (int i = 0; i < 3; i++) {
            Http.get(url); // warms the path up
        }
        int refusedBefore = REFUSING.refused();
        for (int i = 0; i < 10; i++) {
            long began = System.nanoTime();
            Answer answer = Http.get(url);
            Duration took = Duration.ofNanos(System.nanoTime() - began);

            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.json().at("/logging-service/0/msg").asText()).isEqualTo("listed");
            assertThat(took).isLessThan(Duration.ofMillis(900));
        }
        assertThat(REFUSING.refused() - refusedBefore).as("lists the refusing instances were asked for").isPositive();
    }

    /** Answers every request 503, {@code Retry-After: 1}, with a JSON error, and counts them. */
    private static final class RefusingInstance implements AutoCloseable {

        private final AtomicInteger refused = new AtomicInteger();
        private final HttpServer server;

        RefusingInstance() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/", this::refuse);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        int refused() {
            return refused.get();
        }

        private void refuse(HttpExchange exchange) throws IOException {
            refused.incrementAndGet();
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            byte[] error = "{\"error\":\"starting\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Retry-After", "1");
            exchange.sendResponseHeaders(503, error.length);
            exchange.getResponseBody().write(error);
            exchange.close();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
