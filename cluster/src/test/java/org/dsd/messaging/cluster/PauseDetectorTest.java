package org.dsd.messaging.cluster;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.dsd.messaging.testing.Await;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PauseDetectorTest {

    /** The clock the detector reads: real time plus what the test lets "stand still". */
    private final AtomicLong frozenNanos = new AtomicLong();

    private long clock() {
        return System.nanoTime() + frozenNanos.get();
    }

    @Test
    void aPauseLongerThanTheThresholdIsReportedFromTheResumeUntilTheHoldHasPassed() {
        try (PauseDetector pauses = new PauseDetector(Duration.ofSeconds(3), Duration.ofSeconds(1), this::clock)) {
            Await.pause(Duration.ofMillis(300));
            assertThat(pauses.recentlyPaused()).as("no pause yet").isFalse();

            frozenNanos.addAndGet(Duration.ofSeconds(30).toNanos());
            // Overdue ticks count before the ticking thread has seen the gap: the moments right after a resume.
            assertThat(pauses.recentlyPaused()).as("right after the resume").isTrue();
            Await.pause(Duration.ofMillis(300));
            assertThat(pauses.recentlyPaused()).as("within the hold").isTrue();
            Await.until(Duration.ofSeconds(5), "the hold over", () -> !pauses.recentlyPaused());
        }
    }

    @Test
    void aShorterStallIsNoPause() {
        try (PauseDetector pauses = new PauseDetector(Duration.ofSeconds(3), Duration.ofSeconds(10), this::clock)) {
            frozenNanos.addAndGet(Duration.ofSeconds(2).toNanos());
            Await.pause(Duration.ofMillis(300));
            assertThat(pauses.recentlyPaused()).isFalse();
        }
    }
}
