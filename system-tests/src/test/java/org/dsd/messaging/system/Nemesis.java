package org.dsd.messaging.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.dsd.messaging.testing.Await;

/**
 * The chaos run's adversary. Every 10-15 s it strikes a target (an instance, or a queue's broker) at random, whether or not an earlier fault is
 * still under way (two at once at most, never two instances of one service): it kills it (-9) and restarts it, or (if it may be frozen) freezes it
 * (SIGSTOP) for 5-60 s and resumes it; a fault ends once its instance is ready again. The data stays in two copies
 * ({@code backup-count} 1): one logging member at a time, and only while the cluster is safe. Faults also land at
 * bad moments: half the time a logging member that comes back (its partitions migrating, or merging after a freeze)
 * has another instance struck at once, and the facade, when it is a target, is struck in every run (the first
 * strike past the middle of the run goes there if none did yet). With two faults at once the seed replays the
 * choices, not always their order.
 */
final class Nemesis {

    private static final Duration FREEZE_MIN = Duration.ofSeconds(5);
    private static final Duration FREEZE_MAX = Duration.ofSeconds(60);
    private static final int AT_ONCE = 2;

    /** One fault: what was done to which instance, and when (System.nanoTime) it began and was healed. */
    record Fault(Target target, String kind, long began, long healed) {
        Duration lasted() {
            return Duration.ofNanos(healed - began);
        }

        boolean overlaps(long from, long to) {
            return began < to && healed >= from;
        }

        @Override
        public String toString() {
            return target.name() + " " + kind;
        }
    }

    private final LocalTopology topology;
    private final List<Target> targets;
    private final Predicate<Target> mayFreeze;
    private final Random random;
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> underWay = new CopyOnWriteArrayList<>();
    /** The instances a fault is under way on. */
    private final Set<Target> struck = ConcurrentHashMap.newKeySet();
    /** Each fault on a thread of its own: the common pool has one thread on two cores. */
    private final Executor strikes = task -> new Thread(task, "nemesis").start();

    Nemesis(LocalTopology topology, List<? extends Target> targets, Predicate<Target> mayFreeze, long seed) {
        this.topology = topology;
        this.targets = List.copyOf(targets);
        this.mayFreeze = mayFreeze;
        this.random = new Random(seed);
    }

    /** Starts hitting; the returned future completes once every fault under way at {@code until} is healed. */
    CompletableFuture<Void> runUntil(long until) {
        long from = System.nanoTime();
        return CompletableFuture.runAsync(() -> {
            while (System.nanoTime() < until) {
                Await.pause(Duration.ofMillis(10_000 + random.nextInt(5_001)));
                if (System.nanoTime() < until) {
                    launch(pick(System.nanoTime() - from > (until - from) / 2, false), "");
                }
            }
            // A fault under way may start a second one: waited for until none is left.
            while (underWay.stream().anyMatch(strike -> !strike.isDone())) {
                CompletableFuture.allOf(underWay.toArray(CompletableFuture[]::new)).join();
            }
        }, strikes);
    }

    private void launch(Target target, String moment) {
        if (target != null) {
            underWay.add(CompletableFuture.runAsync(() -> strike(target, moment), strikes));
        }
    }

    /**
     * A target no fault is under way on, or on any other instance of its service, or null. A logging member only if
     * the cluster is safe, and never {@code asSecond}: then one is already coming back.
     */
    private synchronized Target pick(boolean facadeDue, boolean asSecond) {
        if (struck.size() >= AT_ONCE) {
            return null;
        }
        List<Target> candidates = new ArrayList<>(targets);
        // One instance of a service at a time: the other is what keeps it answering (the facade is one by design).
        candidates.removeIf(candidate -> struck.stream().anyMatch(s -> s.service().equals(candidate.service())));
        if (asSecond || !topology.clusterSafe()) {
            candidates.removeIf(Nemesis::isLogging);
        }
        if (candidates.isEmpty()) {
            return null;
        }
        boolean facadeFirst = facadeDue && faults.stream().noneMatch(fault -> isFacade(fault.target()));
        Target target = candidates.stream().filter(instance -> facadeFirst && isFacade(instance)).findFirst()
                .orElse(candidates.get(random.nextInt(candidates.size())));
        struck.add(target);
        return target;
    }

    /** Strikes {@code target}; {@code moment} says when, if it was chosen for a bad one. */
    private void strike(Target target, String moment) {
        long began = System.nanoTime();
        String kind;
        try {
            if (!mayFreeze.test(target) || random.nextBoolean()) {
                kind = "kill";
                target.kill();
                target.start();
            } else {
                Duration frozen = Duration.ofMillis(FREEZE_MIN.toMillis()
                        + random.nextInt((int) (FREEZE_MAX.toMillis() - FREEZE_MIN.toMillis()) + 1));
                kind = "freeze " + frozen.toSeconds() + "s";
                target.freeze();
                Await.pause(frozen);
                target.resume();
            }
            if (isLogging(target) && random.nextBoolean()) {
                // While it comes back (migrations, or its merge after a freeze): a second fault at once.
                launch(pick(false, true), "as " + target.name() + " came back");
            }
            target.awaitReady();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            struck.remove(target);
        }
        faults.add(new Fault(target, moment.isEmpty() ? kind : kind + " " + moment, began, System.nanoTime()));
    }

    private static boolean isLogging(Target target) {
        return target.service().equals("logging");
    }

    static boolean isFacade(Target target) {
        return target.service().equals("facade");
    }

    List<Fault> faults() {
        return List.copyOf(faults);
    }

    /** How many kills and freezes each service took, e.g. {@code {logging={freeze=1, kill=2}, ...}}. */
    Map<String, Map<String, Long>> byService() {
        return faults.stream().collect(Collectors.groupingBy(fault -> fault.target().service(), TreeMap::new,
                Collectors.groupingBy(fault -> fault.kind().split(" ")[0], TreeMap::new, Collectors.counting())));
    }

    /** How many faults began while another was under way. */
    long overlapping() {
        return faults.stream().filter(fault -> faults.stream()
                .anyMatch(other -> other != fault && other.began() < fault.began() && other.healed() > fault.began()))
                .count();
    }
}
