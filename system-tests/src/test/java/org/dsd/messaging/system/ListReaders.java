package org.dsd.messaging.system;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;

/**
 * Readers that ask for the logged messages while a load runs, each time of a random URL (a logging instance's
 * {@code /logging} or the facade), and check every list answered with 200: it must hold every message
 * acknowledged before it was asked (else it is stale, e.g. from a member on the small side of a split) and no
 * uuid twice. Refusals (503, no connection) are counted, never retried.
 */
final class ListReaders {

    private static final Duration PAUSE = Duration.ofSeconds(1);

    private final List<String> urls;
    private final PostLoad load;
    private final ExecutorService pool;
    private final Random random = new Random();
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final Queue<String> stale = new ConcurrentLinkedQueue<>();
    private final Queue<String> doubled = new ConcurrentLinkedQueue<>();
    private volatile boolean stopped;

    private ListReaders(List<String> urls, PostLoad load, int readers) {
        this.urls = urls;
        this.load = load;
        this.pool = Executors.newFixedThreadPool(readers);
        for (int i = 0; i < readers; i++) {
            pool.submit(this::readUntilStopped);
        }
    }

    static ListReaders start(List<String> urls, PostLoad load, int readers) {
        return new ListReaders(urls, load, readers);
    }

    private void readUntilStopped() {
        while (!stopped) {
            read(urls.get(random.nextInt(urls.size())));
            Await.pause(PAUSE);
        }
    }

    private void read(String url) {
        Set<String> acknowledgedBefore = load.acknowledgedSoFar();
        Instant askedAt = Instant.now();
        Answer answer;
        try {
            answer = Http.get(url);
        } catch (AssertionError connectionFailed) {
            refused.incrementAndGet();
            return;
        }
        if (answer.status() != 200) {
            refused.incrementAndGet();
            return;
        }
        answered.incrementAndGet();
        JsonNode json = answer.json();
        List<String> listed = Http.uuids(json.isArray() ? json : json.get("logging-service"));
        Set<String> distinct = new HashSet<>(listed);
        if (distinct.size() < listed.size()) {
            doubled.add(url + " listed " + (listed.size() - distinct.size()) + " uuids twice");
        }
        Set<String> missing = new HashSet<>(acknowledgedBefore);
        missing.removeAll(distinct);
        if (!missing.isEmpty()) {
            stale.add(url + " missed " + missing.size() + " of " + acknowledgedBefore.size()
                    + " acknowledged before, e.g. " + missing.iterator().next() + ", asked at " + askedAt);
        }
    }

    /** Stops reading; waits for the reads under way (a frozen instance holds one for the HTTP timeout). */
    void stop() throws InterruptedException {
        stopped = true;
        pool.shutdown();
        if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
            throw new AssertionError("a list reader did not stop");
        }
    }

    int answered() {
        return answered.get();
    }

    int refused() {
        return refused.get();
    }

    /** One line per stale list. */
    List<String> stale() {
        return List.copyOf(stale);
    }

    /** One line per list that held a uuid twice. */
    List<String> doubled() {
        return List.copyOf(doubled);
    }
}
