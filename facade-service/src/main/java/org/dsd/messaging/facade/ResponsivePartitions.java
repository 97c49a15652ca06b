package org.dsd.messaging.facade;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.IntStream;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.partition.PartitionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Which partitions of the cluster take a write now: whose owner and backup both answer. A frozen member holds up
 * every write to a partition it owns or backs up until the cluster drops it; a message's uuid is the facade's to
 * choose, so a message whose first write is held up is written again under a uuid on a partition that answers
 * ({@link LogWrite}), and later messages get uuids elsewhere from the start, as Kafka's producer steers clear of a
 * slow broker's partitions (KIP-794).
 *
 * <p>The client sees partition owners but not backups, so the partitions are tried: after a call of {@link #probe()},
 * every partition gets a small write every 100 ms, one under way at a time, and a partition counts as responsive
 * while its last write was answered within 250 ms, and as held up while one is unanswered for 500 ms or the last one
 * was refused. The probes go on for 10 s after the last call, unless every partition has answered since they began,
 * none refused and none has a probe unanswered: then the write that asked was slow, not held up (a system just
 * started, a busy machine), and 2,710 probes a second would only slow it more. Nothing is probed while every write
 * is answered in time, but at start: that round creates the probe entries, so that the first round of a freeze costs
 * the members no more than any other.
 */
@Component
public class ResponsivePartitions implements DisposableBean {

    /** The map that takes the probes: one small entry per partition. */
    static final String PROBE_MAP = "facade-partition-probes";
    private static final long ROUND_INTERVAL_MILLIS = 100;
    /** How long a partition counts as responsive after its last probe was answered. */
    private static final long ANSWERED_WITHIN_NANOS = TimeUnit.MILLISECONDS.toNanos(2 * ROUND_INTERVAL_MILLIS + 50);
    /** How long the probes go on after a held-up write asked for them. */
    private static final long PROBE_FOR_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How long a probe goes unanswered before its partition counts as held up: far longer than a busy member takes. */
    private static final long HELD_UP_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /**
     * How many derived uuids are tried for one message: a frozen member among three owns or backs up two thirds of
     * the partitions, and all 60 fall there about once in 10^10.
     */
    private static final int CANDIDATES = 60;
    /**
     * Where a probe's answer is noted: on the client thread that received it (two stores). A Hazelcast future's
     * callback without an executor runs on Hazelcast's default one, which on two cores or fewer starts a thread per
     * callback (it is the common pool only when that has more than one thread): 2,710 threads a second while probing.
     */
    private static final Executor ON_THE_ANSWERING_THREAD = Runnable::run;

    private static final Logger LOG = LoggerFactory.getLogger(ResponsivePartitions.class);

    private final PartitionService partitions;
    private final IMap<String, Long> probes;
    private final String[] probeKeys;
    /** Per partition: when (System.nanoTime) its last probe was answered; 0 before any was. */
    private final AtomicLongArray answeredAt;
    /** Per partition: when (System.nanoTime) its last probe failed; 0 before any did. */
    private final AtomicLongArray refusedAt;
    /** Per partition: when (System.nanoTime) the probe under way was sent; 0 while none is. */
    private final AtomicLongArray sentAt;
    private final ScheduledExecutorService rounds;
    private volatile long probeUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    /** When (System.nanoTime) the probes under way began. */
    private volatile long probingSince = System.nanoTime();

    public ResponsivePartitions(HazelcastInstance hazelcast) {
        this.partitions = hazelcast.getPartitionService();
        this.probes = hazelcast.getMap(PROBE_MAP);
        this.probeKeys = keyPerPartition(partitions);
        this.answeredAt = new AtomicLongArray(probeKeys.length);
        this.sentAt = new AtomicLongArray(probeKeys.length);
        this.refusedAt = new AtomicLongArray(probeKeys.length);
        this.rounds = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "partition-probes");
            thread.setDaemon(true);
            return thread;
        });
        rounds.scheduleWithFixedDelay(this::round, ROUND_INTERVAL_MILLIS, ROUND_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Starts (or prolongs) the probes: a write was held up. */
    public void probe() {
        long now = System.nanoTime();
        if (now - probeUntil > 0) {
            probingSince = now;
            LOG.info("a log write is held up: probing which partitions answer, for up to {} s",
                    TimeUnit.NANOSECONDS.toSeconds(PROBE_FOR_NANOS));
        }
        probeUntil = now + PROBE_FOR_NANOS;
    }

    /**
     * A uuid derived from {@code uuid} (name-based, from {@code <uuid>/1}, {@code <uuid>/2}, ...) on a partition that
     * answers; null while none of them has been seen answering.
     */
    public String rekeyed(String uuid) {
        long now = System.nanoTime();
        for (int i = 1; i <= CANDIDATES; i++) {
            String candidate = UUID.nameUUIDFromBytes((uuid + "/" + i).getBytes(StandardCharsets.UTF_8)).toString();
            if (responsive(partitions.getPartition(candidate).getPartitionId(), now)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * The uuid of a new message: {@code uuid} itself unless its partition is seen held up, else a random one on a
     * partition that is not (and the probes go on, so that one that recovers is seen to). Once the first writes have
     * found a freeze out, it costs the next messages nothing, and their first write never needs superseding.
     */
    public String clearOfHeldUp(String uuid) {
        String chosen = uuid;
        for (int i = 0; i < CANDIDATES && heldUp(chosen); i++) {
            chosen = UUID.randomUUID().toString();
        }
        if (!chosen.equals(uuid)) {
            probe();
        }
        return chosen;
    }

    /**
     * Whether writes of {@code uuid} are held up by its partition, rather than slow for another reason (a busy
     * instance, a pause): a probe of that partition has gone unanswered for {@link #HELD_UP_AFTER_NANOS}, or its
     * last probe was refused (its owner lacks the quorum for a while, as around a member's removal). A write that is
     * only slow lands soon, and written again it would be listed, then hidden by the second.
     */
    public boolean heldUp(String uuid) {
        int partition = partitions.getPartition(uuid).getPartitionId();
        long sent = sentAt.get(partition);
        long refused = refusedAt.get(partition);
        long answered = answeredAt.get(partition);
        return sent != 0 && System.nanoTime() - sent > HELD_UP_AFTER_NANOS
                || refused != 0 && (answered == 0 || refused - answered > 0);
    }

    /** How many partitions were seen answering lately, for the logs. */
    public long responsiveCount() {
        long now = System.nanoTime();
        return IntStream.range(0, probeKeys.length).filter(p -> responsive(p, now)).count();
    }

    private boolean responsive(int partition, long now) {
        long answered = answeredAt.get(partition);
        return answered != 0 && now - answered < ANSWERED_WITHIN_NANOS;
    }

    private void round() {
        long now = System.nanoTime();
        if (now - probeUntil > 0) {
            return;
        }
        if (everyPartitionAnswersSince(probingSince)) {
            probeUntil = now;
            return;
        }
        try {
            probeEach(now);
        } catch (RuntimeException e) {
            // Thrown out of a scheduled task, it would cancel every later round.
            LOG.warn("a round of partition probes failed: {}", e.toString());
        }
    }

    /**
     * Every partition's probes answered since {@code since}, the last one included: a partition that answered once
     * and then froze has its next probe under way, and the rewrites need the others seen answering meanwhile.
     */
    private boolean everyPartitionAnswersSince(long since) {
        for (int partition = 0; partition < probeKeys.length; partition++) {
            long answered = answeredAt.get(partition);
            long refused = refusedAt.get(partition);
            if (answered == 0 || answered - since < 0 || refused != 0 && refused - answered > 0
                    || sentAt.get(partition) != 0) {
                return false;
            }
        }
        return true;
    }

    private void probeEach(long now) {
        for (int partition = 0; partition < probeKeys.length; partition++) {
            if (sentAt.compareAndSet(partition, 0, now)) {
                int probed = partition;
                probes.setAsync(probeKeys[partition], now).whenCompleteAsync((ignored, failure) -> {
                    (failure == null ? answeredAt : refusedAt).set(probed, System.nanoTime());
                    sentAt.set(probed, 0);
                }, ON_THE_ANSWERING_THREAD);
            }
        }
    }

    /** A key that falls on each partition, found by trying keys: the client hashes them locally. */
    static String[] keyPerPartition(PartitionService partitions) {
        int count = partitions.getPartitions().size();
        String[] keys = new String[count];
        int found = 0;
        for (int i = 0; found < count; i++) {
            String key = "probe-" + i;
            int partition = partitions.getPartition(key).getPartitionId();
            if (keys[partition] == null) {
                keys[partition] = key;
                found++;
            }
        }
        return keys;
    }

    @Override
    public void destroy() {
        rounds.shutdownNow();
    }
}
