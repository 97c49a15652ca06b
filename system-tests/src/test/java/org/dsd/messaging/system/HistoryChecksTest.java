package org.dsd.messaging.system;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.dsd.messaging.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chaos run's checks can fail: each one is shown a service that breaks what it guards (an answer the API does
 * not allow, a stale list, a list that forgets, a list that kills its reader, a late delivery) and must report it.
 * The service is a stand-in on loopback that answers POST /facade and GET /logging as told.
 */
class HistoryChecksTest {

    private final MisbehavingService service = new MisbehavingService();

    @AfterEach
    void stopService() {
        service.server.stop(0);
    }

    @Test
    void anAnswerTheApiDoesNotAllowIsReportedNotRetried() {
        service.postAnswer = exchange -> reply(exchange, 500, "{\"error\":\"boom\"}");
        PostLoad load = PostLoad.start(service.url("/facade"), "five-hundred", 1, 1);
        load.awaitClients();
        assertThat(load.unexpected()).singleElement().asString().contains("500");
        assertThat(load.retried()).isEmpty();
    }

    @Test
    void aCreatedAnswerWithoutAUuidIsReported() {
        service.postAnswer = exchange -> reply(exchange, 201, "created");
        PostLoad load = PostLoad.start(service.url("/facade"), "unparsable", 1, 1);
        load.awaitClients();
        assertThat(load.unexpected()).singleElement().asString().contains("201 without a uuid");
    }

    @Test
    void aListWithoutAnAcknowledgedMessageIsStale() throws Exception {
        service.listed = logged -> logged.subList(0, Math.max(0, logged.size() - 1));
        assertThat(readWhilePosting().stale()).isNotEmpty();
    }

    @Test
    void aListWithoutAnAcknowledgedMessageAnEarlierListHeldIsReported() throws Exception {
        // A message listed once, then never again: one no earlier list held, and not the last one logged (the one
        // client posts the next message only after the previous one was acknowledged).
        AtomicReference<Map<String, String>> forgotten = new AtomicReference<>();
        AtomicInteger listedBefore = new AtomicInteger();
        service.listed = logged -> {
            if (forgotten.get() == null) {
                if (logged.size() - 2 >= listedBefore.get()) {
                    forgotten.set(logged.get(logged.size() - 2));
                }
                listedBefore.set(logged.size());
                return logged;
            }
            return logged.stream().filter(message -> !message.equals(forgotten.get())).toList();
        };
        assertThat(readWhilePosting().forgotten()).isNotEmpty();
    }

    @Test
    void aMessageListedBeforeItsPostWasAcknowledgedAndThenMissingIsUndoneNotForgotten() throws Exception {
        // A message nobody acknowledged, listed by the first lists only: a write read while under way, then failed.
        String ghost = UUID.randomUUID().toString();
        List<String> lists = new CopyOnWriteArrayList<>();
        service.listed = logged -> {
            lists.add("asked");
            List<Map<String, String>> answer = new ArrayList<>(logged);
            if (lists.size() <= 2) {
                answer.add(Map.of("uuid", ghost, "msg", "ghost"));
            }
            return answer;
        };
        ListReaders readers = readWhilePosting();
        assertThat(readers.stale()).isEmpty();
        assertThat(readers.forgotten()).isEmpty();
        assertThat(readers.undone()).isNotEmpty();
    }

    @Test
    void aListWithAUuidTwiceIsReported() throws Exception {
        service.listed = logged -> {
            List<Map<String, String>> answer = new ArrayList<>(logged);
            answer.addAll(logged.subList(0, Math.min(1, logged.size())));
            return answer;
        };
        assertThat(readWhilePosting().doubled()).isNotEmpty();
    }

    @Test
    void aReaderThatDiesFailsTheRun() {
        service.listAnswer = exchange -> reply(exchange, 200, "not a list");
        PostLoad load = PostLoad.untilStopped(service.url("/facade"), "dies", 1, Duration.ofMillis(100));
        ListReaders readers = ListReaders.start(List.of(service.url("/logging")), load, 1);
        Await.pause(Duration.ofSeconds(2));
        load.stop();
        load.awaitClients();
        assertThatThrownBy(readers::stop).hasMessageContaining("a list reader died");
    }

    @Test
    void aLateDeliveryAwayFromFaultsBreaksTheBound() {
        PostLoad load = PostLoad.start(service.url("/facade"), "late", 2, 50);
        load.awaitClients();
        Map<String, Long> consumedAtMillis = new HashMap<>();
        load.acknowledgedAtMillis().forEach((text, acknowledged) ->
                consumedAtMillis.put(load.acknowledgedByText().get(text), acknowledged + 5_000));
        DeliveryDelays delays = new DeliveryDelays(load, consumedAtMillis, List.of());
        assertThat(delays.awayFromFaultsP99()).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
    }

    /** One client posting and one reader reading until four lists were answered; the readers, stopped. */
    private ListReaders readWhilePosting() throws InterruptedException {
        PostLoad load = PostLoad.untilStopped(service.url("/facade"), "read", 1, Duration.ofMillis(50));
        ListReaders readers = ListReaders.start(List.of(service.url("/logging")), load, 1);
        Await.until(Duration.ofSeconds(30), "four lists answered", () -> readers.answered() >= 4);
        load.stop();
        load.awaitClients();
        readers.stop();
        assertThat(readers.answered()).isPositive();
        return readers;
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private interface Answer {
        void send(HttpExchange exchange) throws IOException;
    }

    private interface ListView {
        List<Map<String, String>> of(List<Map<String, String>> logged);
    }

    /** Logs what is posted and lists it, unless told to answer otherwise. */
    private static final class MisbehavingService {
        final HttpServer server;
        final List<Map<String, String>> logged = new CopyOnWriteArrayList<>();
        volatile Answer postAnswer = this::logAndCreate;
        volatile ListView listed = all -> all;
        volatile Answer listAnswer = exchange -> reply(exchange, 200, json(listed.of(List.copyOf(logged))));

        MisbehavingService() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            server.createContext("/facade", exchange -> postAnswer.send(exchange));
            server.createContext("/logging", exchange -> listAnswer.send(exchange));
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        private void logAndCreate(HttpExchange exchange) throws IOException {
            String text = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> message = Map.of("uuid", UUID.randomUUID().toString(), "msg", text);
            logged.add(message);
            reply(exchange, 201, "{\"message\":" + json(List.of(message)).replaceAll("^\\[|\\]$", "") + "}");
        }

        private static String json(List<Map<String, String>> messages) {
            return messages.stream().map(message -> "{\"uuid\":\"" + message.get("uuid") + "\",\"msg\":\""
                    + message.get("msg") + "\"}").collect(Collectors.joining(",", "[", "]"));
        }
    }
}
