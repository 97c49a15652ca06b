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
 * {@code Idempotency-Key}, retried with that key after a 503 or a broken connection (what the API says a client may
 * retry) until it is acknowledged, or two minutes have passed (longer than any single failure takes to heal). Any
 * other answer (a 500, a 502, a 4xx, a 201 whose body does not parse) is a defect, not a fault to ride out: it is
 * recorded, the message is not sent again, and {@link #finish()} fails. Records the uuid of every acknowledged
 * message by its text, when it was acknowledged, the texts never acknowledged, and every answer retried.
 */
final class PostLoad {

    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(2);

    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final Set<String> unacknowledged = ConcurrentHashMap.newKeySet();
    /** Every request: when it was sent and how long its answer took (System.nanoTime). */
    private final Queue<long[]> requestTimes = new ConcurrentLinkedQueue<>();
    private final Map<String, Integer> retried = new ConcurrentHashMap<>();
    private final Queue<String> unexpected = new ConcurrentLinkedQueue<>();
    /** When (System.currentTimeMillis) each acknowledged message's text was acknowledged: the delivery delay's start. */
    private final Map<String, Long> acknowledgedAtMillis = new ConcurrentHashMap<>();
    /** The same in System.nanoTime, which the readers' and the faults' times are in. */
    private final Map<String, Long> acknowledgedAtNanos = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final ExecutorService pool;
    private final List<Future<?>> clients = new ArrayList<>();
    private final int total;
    private volatile boolean stopped;

    private PostLoad(String facadeUrl, String prefix, int clients, int postsPerClient, Duration pace) {
        this.total = (int) Math.min(Integer.MAX_VALUE, (long) clients * postsPerClient);
        this.pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            int client = c;
            this.clients.add(pool.submit(() -> {
                for (int i = 0; i < postsPerClient && !stopped; i++) {
                    post(facadeUrl, prefix + "-" + client + "-" + i);
                    done.incrementAndGet();
                    Await.pause(pace);
                }
            }));
        }
    }

    /** {@code clients} clients posting {@code postsPerClient} messages each, one after another. */
    static PostLoad start(String facadeUrl, String prefix, int clients, int postsPerClient) {
        return new PostLoad(facadeUrl, prefix, clients, postsPerClient, Duration.ZERO);
    }

    /** {@code clients} clients posting a message each {@code pace} after the last was answered, until stopped. */
    static PostLoad untilStopped(String facadeUrl, String prefix, int clients, Duration pace) {
        return new PostLoad(facadeUrl, prefix, clients, Integer.MAX_VALUE, pace);
    }

    private void post(String facadeUrl, String text) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(facadeUrl))
                .POST(HttpRequest.BodyPublishers.ofString(text))
                .header("Content-Type", "text/plain")
                .header("Idempotency-Key", "key-" + text);
        long giveUpAt = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        while (System.nanoTime() < giveUpAt) {
            String failure;
            requests.incrementAndGet();
            long sent = System.nanoTime();
            Answer answer;
            try {
                answer = Http.send(request);
            } catch (AssertionError connectionFailed) {
                answer = null;
            }
            requestTimes.add(new long[] {sent, System.nanoTime() - sent});
            if (answer == null) {
                failure = "no answer (connection refused, broken or timed out)";
            } else if (answer.status() == 201) {
                String uuid = uuidIn(answer);
                if (uuid == null) {
                    unexpected.add(text + ": 201 without a uuid in its body: " + answer.body());
                    return;
                }
                acknowledgedAtNanos.put(text, System.nanoTime());
                acknowledged.put(text, uuid);
                acknowledgedAtMillis.put(text, System.currentTimeMillis());
                return;
            } else if (answer.status() == 503) {
                failure = answer.status() + " " + answer.body();
            } else {
                unexpected.add(text + ": " + answer.status() + " " + answer.body());
                return;
            }
            retried.merge(failure, 1, Integer::sum);
            Await.pause(Duration.ofSeconds(1));
        }
        unacknowledged.add(text);
    }

    /** Waits until {@code fraction} of all posts were answered for good. */
    void awaitProgress(double fraction) {
        Await.until(Duration.ofMinutes(5), (int) (fraction * 100) + "% of the posts",
                () -> done.get() >= total * fraction);
    }

    /**
     * Waits for every client to finish; returns the uuids of the acknowledged messages. Fails if any answer was
     * unexpected.
     */
    Set<String> finish() {
        awaitClients();
        if (!unexpected.isEmpty()) {
            throw new AssertionError(unexpected.size() + " unexpected answers, e.g. " + unexpected.peek());
        }
        return acknowledgedSoFar();
    }

    /** Waits for every client to finish, unexpected answers or not. */
    void awaitClients() {
        try {
            for (Future<?> client : clients) {
                client.get();
            }
        } catch (ExecutionException | InterruptedException e) {
            throw new AssertionError("a client failed", e);
        } finally {
            pool.shutdown();
        }
    }

    /** The answers that were neither a 201 with a uuid nor one a client may retry (503, no answer). */
    List<String> unexpected() {
        return List.copyOf(unexpected);
    }

    private static String uuidIn(Answer answer) {
        try {
            String uuid = answer.json().at("/message/uuid").asText(null);
            return uuid == null || uuid.isBlank() ? null : uuid;
        } catch (RuntimeException | AssertionError unparsable) {
            return null;
        }
    }

    /** No client starts another message; each one still retries the message it is posting. */
    void stop() {
        stopped = true;
    }

    /** The uuids acknowledged so far. */
    Set<String> acknowledgedSoFar() {
        return Set.copyOf(acknowledged.values());
    }

    /** When (System.currentTimeMillis) each acknowledged message, by text, was acknowledged. */
    Map<String, Long> acknowledgedAtMillis() {
        return Map.copyOf(acknowledgedAtMillis);
    }

    /** Whether the message with this text was acknowledged before {@code nanos} (System.nanoTime). */
    boolean acknowledgedBefore(String text, long nanos) {
        Long at = acknowledgedAtNanos.get(text);
        return at != null && at - nanos < 0;
    }

    /** The uuid each acknowledged message's text was acknowledged with. */
    Map<String, String> acknowledgedByText() {
        return Map.copyOf(acknowledged);
    }

    /** The texts of the messages whose client gave up on them. */
    Set<String> unacknowledged() {
        return Set.copyOf(unacknowledged);
    }

    /** Every POST sent, retries included. */
    int requests() {
        return requests.get();
    }

    /** The times (System.nanoTime) of the acknowledgements, in order. */
    List<Long> acknowledgementTimes() {
        return acknowledgedAtNanos.values().stream().sorted().toList();
    }

    /** The longest a request sent at or after {@code from} (System.nanoTime) waited for its answer. */
    Duration slowestAnswerSentFrom(long from) {
        return Duration.ofNanos(requestTimes.stream().filter(times -> times[0] >= from)
                .mapToLong(times -> times[1]).max().orElse(0));
    }

    /** The longest time between two acknowledgements: how long no POST was accepted at all. */
    Duration longestWithoutAcknowledgement() {
        return longestGap(acknowledgementTimes(), Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** The longest time between two acknowledgements (in {@code times}, sorted) overlapping [from, to]. */
    static Duration longestGap(List<Long> times, long from, long to) {
        long longest = 0;
        for (int i = 1; i < times.size(); i++) {
            if (times.get(i) >= from && times.get(i - 1) <= to) {
                longest = Math.max(longest, times.get(i) - times.get(i - 1));
            }
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
