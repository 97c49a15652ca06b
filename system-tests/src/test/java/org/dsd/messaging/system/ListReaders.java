package org.dsd.messaging.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;

/**
 * Readers that ask for the logged messages while a load runs, each time of a random URL (a logging instance's
 * {@code /logging} or the facade), and check every list answered with 200: it must hold every message
 * acknowledged before it was asked (else it is stale, e.g. from a member on the small side of a split), every
 * acknowledged message that any list answered before it was asked held (monotonic reads: a listed message never
 * disappears) and no uuid twice. Monotonic by text: a write held up by a frozen member and replaced by the
 * facade's rewrite leaves the lists by design, while its message stays listed under the rewrite's uuid (the chaos
 * texts are unique).
 *
 * <p>Lists read what the map holds, committed or not: a list can show a message whose POST is still under way. If
 * that write fails (its member cut off before the backup confirmed), the message leaves the lists until the
 * facade's retry stores it again. Such a message, listed before it was acknowledged and missing from a later list,
 * is counted apart ({@link #undone()}), not as forgotten. Refusals (503, no connection) are counted, never retried;
 * any other answer is unexpected. A reader that dies fails {@link #stop()}.
 */
final class ListReaders {

    private static final Duration PAUSE = Duration.ofSeconds(1);

    private final List<String> urls;
    private final PostLoad load;
    private final ExecutorService pool;
    private final Random random = new Random();
    private final AtomicInteger answered = new AtomicInteger();
    private final Queue<Refusal> refusals = new ConcurrentLinkedQueue<>();
    private final Queue<String> stale = new ConcurrentLinkedQueue<>();
    private final Queue<String> doubled = new ConcurrentLinkedQueue<>();
    private final Queue<String> unexpected = new ConcurrentLinkedQueue<>();
    private final Queue<String> forgotten = new ConcurrentLinkedQueue<>();
    private final Queue<String> undone = new ConcurrentLinkedQueue<>();
    /** Every message text a list answered with 200, and when (System.nanoTime) that answer had arrived. */
    private final Map<String, Long> listedAt = new ConcurrentHashMap<>();
    private final List<Future<?>> readers = new ArrayList<>();
    private volatile boolean stopped;

    private ListReaders(List<String> urls, PostLoad load, int readers) {
        this.urls = urls;
        this.load = load;
        this.pool = Executors.newFixedThreadPool(readers);
        for (int i = 0; i < readers; i++) {
            this.readers.add(pool.submit(this::readUntilStopped));
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
        long asked = System.nanoTime();
        Set<String> listedBefore = new HashSet<>();
        listedAt.forEach((text, at) -> {
            if (at - asked < 0) {
                listedBefore.add(text);
            }
        });
        Instant askedAt = Instant.now();
        Answer answer;
        try {
            answer = Http.get(url);
        } catch (AssertionError connectionFailed) {
            refusals.add(new Refusal(url, asked, System.nanoTime()));
            return;
        }
        if (answer.status() == 503) {
            refusals.add(new Refusal(url, asked, System.nanoTime()));
            return;
        }
        if (answer.status() != 200) {
            unexpected.add(url + " answered " + answer.status() + " " + answer.body() + " at " + askedAt);
            return;
        }
        answered.incrementAndGet();
        JsonNode json = answer.json();
        JsonNode messages = json.isArray() ? json : json.get("logging-service");
        List<String> listed = Http.uuids(messages);
        Set<String> texts = new HashSet<>();
        messages.forEach(message -> texts.add(message.get("msg").asText()));
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
        listedBefore.removeAll(texts);
        for (String text : listedBefore) {
            boolean committed = load.acknowledgedBefore(text, listedAt.get(text));
            (committed ? forgotten : undone).add(url + " no longer listed " + text + ", which an earlier list held "
                    + (committed ? "after" : "before") + " its POST was acknowledged, asked at " + askedAt);
        }
        long answered = System.nanoTime();
        texts.forEach(text -> listedAt.putIfAbsent(text, answered));
    }

    /**
     * Stops reading; waits for the reads under way (a frozen instance holds one for the HTTP timeout). Fails if a
     * reader died.
     */
    void stop() throws InterruptedException {
        stopped = true;
        pool.shutdown();
        if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
            throw new AssertionError("a list reader did not stop");
        }
        for (Future<?> reader : readers) {
            try {
                reader.get();
            } catch (ExecutionException e) {
                throw new AssertionError("a list reader died, so its lists went unchecked", e.getCause());
            }
        }
    }

    int answered() {
        return answered.get();
    }

    int refused() {
        return refusals.size();
    }

    /** Every read refused (503) or not answered. */
    List<Refusal> refusals() {
        return List.copyOf(refusals);
    }

    /** A read of {@code url} asked and refused at these times (System.nanoTime). */
    record Refusal(String url, long asked, long refused) {
    }

    /** One line per stale list. */
    List<String> stale() {
        return List.copyOf(stale);
    }

    /** One line per answer neither 200 nor 503. */
    List<String> unexpected() {
        return List.copyOf(unexpected);
    }

    /**
     * One line per acknowledged message missing from a list after an earlier list (answered before it was asked)
     * held it.
     */
    List<String> forgotten() {
        return List.copyOf(forgotten);
    }

    /**
     * One line per message missing from a list after an earlier list held it while its POST was still under way:
     * a write that failed after it was read, not a promise broken.
     */
    List<String> undone() {
        return List.copyOf(undone);
    }

    /** One line per list that held a uuid twice. */
    List<String> doubled() {
        return List.copyOf(doubled);
    }
}
