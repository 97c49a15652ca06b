package org.dsd.messaging.system;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;

/**
 * The seed's client: one thread that posts a form, then reads GET /facade, over and over, and never retries. Every
 * answer that is not a 201 (POST) or a 200 holding every message acknowledged before it (GET) is recorded as an
 * error, with the slowest answer of each kind, so a test can assert that a fault never reached this client.
 */
final class NonRetryingClient implements AutoCloseable {

    /** One request: what it was, when it was sent (System.nanoTime), how long it took, and what went wrong. */
    record Call(String kind, long sent, long nanos, String error) {

        /** Whether it was under way at some time in [from, to) (System.nanoTime). */
        boolean overlaps(long from, long to) {
            return sent < to && sent + nanos >= from;
        }
    }

    private static final Duration GET_TIMEOUT = Duration.ofSeconds(45);

    private final Queue<Call> calls = new ConcurrentLinkedQueue<>();
    private final Set<String> acknowledged = new HashSet<>();
    private final CompletableFuture<Void> running;
    private volatile boolean stopped;

    private NonRetryingClient(String facadeUrl, String prefix, Duration pace) {
        // Its own thread: the common pool has one thread on two cores, and the nemesis runs there.
        running = CompletableFuture.runAsync(() -> {
            for (int i = 0; !stopped; i++) {
                post(facadeUrl, prefix + "-" + i);
                Await.pause(pace);
                if (i % 5 == 4) {
                    get(facadeUrl);
                }
            }
        }, task -> new Thread(task, "non-retrying-client").start());
    }

    /** Starts posting (and every fifth time reading) one message each {@code pace} after the last answer. */
    static NonRetryingClient start(String facadeUrl, String prefix, Duration pace) {
        return new NonRetryingClient(facadeUrl, prefix, pace);
    }

    private void post(String facadeUrl, String text) {
        long sent = System.nanoTime();
        String error = null;
        try {
            Answer answer = Http.post(facadeUrl, "application/x-www-form-urlencoded", "msg=" + text);
            if (answer.status() == 201) {
                synchronized (acknowledged) {
                    acknowledged.add(answer.json().at("/message/uuid").asText());
                }
            } else {
                error = answer.status() + " " + answer.body();
            }
        } catch (AssertionError | RuntimeException connectionFailed) {
            error = String.valueOf(connectionFailed.getCause() != null ? connectionFailed.getCause() : connectionFailed);
        }
        calls.add(new Call("POST", sent, System.nanoTime() - sent, error));
    }

    private void get(String facadeUrl) {
        Set<String> before;
        synchronized (acknowledged) {
            before = Set.copyOf(acknowledged);
        }
        long sent = System.nanoTime();
        String error = null;
        try {
            // Longer than the facade's list deadline (30 s): what the facade answers is judged, not this client.
            Answer answer = Http.send(HttpRequest.newBuilder(URI.create(facadeUrl)).GET(), GET_TIMEOUT);
            if (answer.status() != 200) {
                error = answer.status() + " " + answer.body();
            } else {
                Set<String> missing = new HashSet<>(before);
                Http.uuids(answer.json().get("logging-service")).forEach(missing::remove);
                if (!missing.isEmpty()) {
                    error = "stale: missing " + missing;
                }
            }
        } catch (AssertionError | RuntimeException connectionFailed) {
            error = String.valueOf(connectionFailed.getCause() != null ? connectionFailed.getCause() : connectionFailed);
        }
        calls.add(new Call("GET", sent, System.nanoTime() - sent, error));
    }

    /** The calls that failed. */
    List<Call> errors() {
        return calls.stream().filter(call -> call.error() != null).toList();
    }

    /** The calls under way at some time in [from, to) (System.nanoTime). */
    List<Call> calls(long from, long to) {
        return calls.stream().filter(call -> call.overlaps(from, to)).toList();
    }

    /** The slowest call of this kind ("POST", "GET") among {@code calls}. */
    static Duration slowest(Collection<Call> calls, String kind) {
        return Duration.ofNanos(calls.stream().filter(call -> call.kind().equals(kind))
                .mapToLong(Call::nanos).max().orElse(0));
    }

    Duration slowest(String kind) {
        return slowest(calls, kind);
    }

    int count(String kind) {
        return (int) calls.stream().filter(call -> call.kind().equals(kind)).count();
    }

    Set<String> acknowledged() {
        synchronized (acknowledged) {
            return Set.copyOf(acknowledged);
        }
    }

    /** A line for the test's output: calls, errors, slowest answers. */
    String summary() {
        List<Call> errors = errors();
        return "%d POSTs (slowest %s), %d GETs (slowest %s), %d errors%s".formatted(count("POST"), slowest("POST"),
                count("GET"), slowest("GET"), errors.size(), errors.isEmpty() ? ""
                        : ": " + errors.stream().limit(5).map(Call::error).collect(Collectors.joining("; ")));
    }

    /** Stops after the call under way. */
    @Override
    public void close() throws InterruptedException, ExecutionException {
        stopped = true;
        running.get();
    }
}
