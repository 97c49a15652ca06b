package org.dsd.messaging.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.dsd.messaging.system.Nemesis.Fault;

/**
 * How long each acknowledged message of a run took from its acknowledgement to its first consumption: over all of
 * them, and over those acknowledged away from any fault (from {@link #BEFORE_A_FAULT} before one began to ten seconds
 * after it healed), where nothing excuses a slow delivery.
 */
final class DeliveryDelays {

    /**
     * As long as ChaosRun gives a delivery at p99: a fault that begins before a message's time ran out may be what
     * held it (a message acknowledged 1.5 s before a fault and still queued when it began waits for it).
     */
    static final Duration BEFORE_A_FAULT = Duration.ofSeconds(2);
    private static final Duration AFTER_A_FAULT = Duration.ofSeconds(10);

    /** System.currentTimeMillis minus System.nanoTime in milliseconds: turns the faults' times into clock times. */
    private final long clockOffsetMillis = System.currentTimeMillis() - System.nanoTime() / 1_000_000;
    private final List<Fault> faults;
    private final long[] all;
    private final long[] awayFromFaults;

    DeliveryDelays(PostLoad load, Map<String, Long> consumedAtMillis, List<Fault> faults) {
        this.faults = faults;
        List<Long> all = new ArrayList<>();
        List<Long> away = new ArrayList<>();
        Map<String, String> uuidByText = load.acknowledgedByText();
        load.acknowledgedAtMillis().forEach((text, acknowledged) -> {
            Long consumed = consumedAtMillis.get(uuidByText.get(text));
            if (consumed == null) {
                return; // not consumed: reported by the run as such
            }
            // A consumer may take it before its POST is answered.
            long delay = Math.max(0, consumed - acknowledged);
            all.add(delay);
            if (!nearAFault(acknowledged)) {
                away.add(delay);
            }
        });
        this.all = sorted(all);
        this.awayFromFaults = sorted(away);
    }

    String all() {
        return summary(all);
    }

    String awayFromFaults() {
        return summary(awayFromFaults);
    }

    Duration awayFromFaultsP99() {
        return Duration.ofMillis(percentile(awayFromFaults, 0.99));
    }

    /** How many of {@code events} happened from the start of {@code fault} to the start of the next one. */
    long countUntilNextFault(List<DeliveryHistory.Event> events, Fault fault) {
        Instant from = clock(fault.began());
        Instant to = faults.stream().map(Fault::began).filter(began -> began > fault.began()).min(Long::compare)
                .map(this::clock).orElse(Instant.MAX);
        return events.stream().filter(event -> !event.at().isBefore(from) && event.at().isBefore(to)).count();
    }

    private boolean nearAFault(long millis) {
        return faults.stream().anyMatch(fault -> millis >= clock(fault.began()).minus(BEFORE_A_FAULT).toEpochMilli()
                && millis <= clock(fault.healed()).plus(AFTER_A_FAULT).toEpochMilli());
    }

    private Instant clock(long nanoTime) {
        return Instant.ofEpochMilli(clockOffsetMillis + nanoTime / 1_000_000);
    }

    private static String summary(long[] delays) {
        return delays.length == 0 ? "none" : String.format("p50 %.2f s, p99 %.2f s, max %.2f s of %d",
                percentile(delays, 0.5) / 1000.0, percentile(delays, 0.99) / 1000.0,
                delays[delays.length - 1] / 1000.0, delays.length);
    }

    private static long percentile(long[] sorted, double fraction) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
    }

    private static long[] sorted(List<Long> delays) {
        long[] sorted = delays.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return sorted;
    }
}
