package org.dsd.messaging.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in tests: for a condition to hold, or for a while. */
public final class Await {

    private static final Duration POLL = Duration.ofMillis(250);

    private Await() {
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} once {@code timeout} has passed. */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            pause(POLL);
        }
    }

    /** Sleeps; an interrupt fails the test instead of being swallowed. */
    public static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
