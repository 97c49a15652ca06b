package org.dsd.messaging.facade;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in logging instance's POST /logging/batch: the first {@code heldBatches} batches wait for
 * {@link #release()} (at most 9 s, below the facade's deadline), then every entry is answered 201; a batch that names
 * a uuid twice is refused with 400, as logging does. {@link #batches()} holds how many writes each batch held.
 */
final class HeldBatchLogging implements AutoCloseable {

    private final ObjectMapper json = new ObjectMapper();
    private final List<Integer> batches = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final int heldBatches;
    private final HttpServer server;

    HeldBatchLogging(int heldBatches) {
        this.heldBatches = heldBatches;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/logging/batch", this::answer);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Integer> batches() {
        return batches;
    }

    void release() {
        released.countDown();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        threads.shutdownNow();
    }

    private void answer(HttpExchange exchange) throws IOException {
        JsonNode entries = json.readTree(exchange.getRequestBody());
        batches.add(entries.size());
        if (entries.findValuesAsText("uuid").stream().distinct().count() < entries.size()) {
            exchange.sendResponseHeaders(400, -1);
            exchange.close();
            return;
        }
        if (received.incrementAndGet() <= heldBatches) {
            try {
                released.await(9, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        StringBuilder answer = new StringBuilder("[");
        for (JsonNode entry : entries) {
            answer.append(answer.length() > 1 ? "," : "").append("{\"uuid\":\"").append(entry.get("uuid").asText())
                    .append("\",\"status\":201}");
        }
        byte[] body = answer.append(']').toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
