package org.dsd.messaging.system;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;

/**
 * Clients that POST text messages to the facade as a careful user would: each message under an
 * {@code Idempotency-Key}, retried with that key after a 503 or a broken connection until it is acknowledged.
 * Records the uuid of every acknowledged message and every answer that was not a 201.
 */
final class PostLoad {

    private static final int MAX_TRIES = 10;

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> retried = new ConcurrentHashMap<>();
    private final AtomicInteger done = new AtomicInteger();
    private final ExecutorService pool;
    private final List<Future<?>> clients = new ArrayList<>();
    private final int total;

    private PostLoad(String facadeUrl, String prefix, int clients, int postsPerClient) {
        this.total = clients * postsPerClient;
        this.pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            int client = c;
            this.clients.add(pool.submit(() -> {
                for (int i = 0; i < postsPerClient; i++) {
                    post(facadeUrl, prefix + "-" + client + "-" + i);
                    done.incrementAndGet();
                }
            }));
        }
    }

    static PostLoad start(String facadeUrl, String prefix, int clients, int postsPerClient) {
        return new PostLoad(facadeUrl, prefix, clients, postsPerClient);
    }

    private void post(String facadeUrl, String text) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(facadeUrl))
                .POST(HttpRequest.BodyPublishers.ofString(text))
                .header("Content-Type", "text/plain")
                .header("Idempotency-Key", "key-" + text);
        for (int attempt = 1; attempt <= MAX_TRIES; attempt++) {
            String failure;
            try {
                Answer answer = Http.send(request);
                if (answer.status() == 201) {
                    acknowledged.add(answer.json().at("/message/uuid").asText());
                    return;
                }
                failure = answer.status() + " " + answer.body();
            } catch (AssertionError connectionFailed) {
                failure = String.valueOf(connectionFailed.getCause());
            }
            retried.merge(failure, 1, Integer::sum);
            sleep(Duration.ofSeconds(1));
        }
    }

    /** Waits until {@code fraction} of all posts were answered for good. */
    void awaitProgress(double fraction) {
        LocalTopology.await(Duration.ofMinutes(5), (int) (fraction * 100) + "% of the posts",
                () -> done.get() >= total * fraction);
    }

    /** Waits for every client to finish; returns the uuids of the acknowledged messages. */
    Set<String> finish() {
        try {
            for (Future<?> client : clients) {
                client.get();
            }
        } catch (ExecutionException | InterruptedException e) {
            throw new AssertionError("a client failed", e);
        } finally {
            pool.shutdown();
        }
        return acknowledged;
    }

    int total() {
        return total;
    }

    /** Answers other than 201 that a client retried, by answer. */
    Map<String, Integer> retried() {
        return retried;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
