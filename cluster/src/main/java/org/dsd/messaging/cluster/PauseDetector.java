package org.dsd.messaging.cluster;

import java.time.Duration;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whether this JVM stood still a moment ago: SIGSTOP, a long GC pause, a suspended VM. The others may have
 * dropped a member that stood still, while its own view of the cluster stays the one from before the pause until
 * its failure detector catches up; the freeze test saw a resumed member answer lists from that view.
 *
 * <p>A thread ticks every 100 ms. A gap longer than {@code threshold} between two ticks is a pause; so is a tick
 * overdue right now, which covers the moments after a resume before the ticking thread has run again.
 */
public class PauseDetector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PauseDetector.class);
    private static final long TICK_MILLIS = 100;

    private final LongSupplier nanoClock;
    private final long thresholdNanos;
    private final long holdNanos;
    private final Thread ticker;
    private volatile long lastTick;
    private volatile long lastPauseEnded;

    /** A pause longer than {@code threshold} counts; {@link #recentlyPaused()} holds for {@code hold} after it. */
    public PauseDetector(Duration threshold, Duration hold) {
        this(threshold, hold, System::nanoTime);
    }

    PauseDetector(Duration threshold, Duration hold, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.thresholdNanos = threshold.toNanos();
        this.holdNanos = hold.toNanos();
        this.lastTick = nanoClock.getAsLong();
        this.lastPauseEnded = lastTick - holdNanos;
        this.ticker = new Thread(this::tick, "pause-detector");
        ticker.setDaemon(true);
        ticker.start();
    }

    private void tick() {
        while (true) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException closed) {
                return;
            }
            long now = nanoClock.getAsLong();
            if (now - lastTick > thresholdNanos) {
                lastPauseEnded = now;
                LOG.warn("this JVM stood still for {} ms: it serves nothing for the next {} s",
                        Duration.ofNanos(now - lastTick).toMillis(), Duration.ofNanos(holdNanos).toSeconds());
            }
            lastTick = now;
        }
    }

    /** Whether the JVM is resuming from a pause right now, or resumed less than {@code hold} ago. */
    public boolean recentlyPaused() {
        long now = nanoClock.getAsLong();
        return now - lastTick > thresholdNanos || now - lastPauseEnded < holdNanos;
    }

    @Override
    public void close() {
        ticker.interrupt();
    }
}
