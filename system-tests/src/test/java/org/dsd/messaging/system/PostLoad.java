package org.dsd.messaging.system;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;

/**
 * Clients that POST text messages to the facade as a careful user would: each message under an
 * {@code Idempotency-Key}, retried with that key after a 503 or a broken connection until it is acknowledged.
 * Records the uuid of every acknowledged message and every answer that was not a 201.
 */
final class PostLoad {

    // About half a minute of retrying: longer than any single failure takes to heal.
    private static final int MAX_TRIES = 30;

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Queue<Long> acknowledgedAt = new ConcurrentLinkedQueue<>();
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
                    acknowledgedAt.add(System.nanoTime());
                    return;
                }
                failure = answer.status() + " " + answer.body();
            } catch (AssertionError connectionFailed) {
                failure = String.valueOf(connectionFailed.getCause());
            }
            retried.merge(failure, 1, Integer::sum);
            Await.pause(Duration.ofSeconds(1));
        }
    }

    /** Waits until {@code fraction} of all posts were answered for good. */
    void awaitProgress(double fraction) {
        Await.until(Duration.ofMinutes(5), (int) (fraction * 100) + "% of the posts",
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

    /** The uuids acknowledged so far. */
    Set<String> acknowledgedSoFar() {
        return Set.copyOf(acknowledged);
    }

    /** The longest time between two acknowledgements: how long no POST was accepted at all. */
    Duration longestWithoutAcknowledgement() {
        List<Long> times = acknowledgedAt.stream().sorted().toList();
        long longest = 0;
        for (int i = 1; i < times.size(); i++) {
            longest = Math.max(longest, times.get(i) - times.get(i - 1));
        }
        return Duration.ofNanos(longest);
    }

    int total() {
        return total;
    }

    /** Answers other than 201 that a client retried, by answer. */
    Map<String, Integer> retried() {
        return retried;
    }
}
