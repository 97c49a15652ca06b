package org.dsd.messaging.system;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.dsd.messaging.system.LocalTopology.Instance;
import org.dsd.messaging.testing.Await;

/**
 * The chaos run's adversary, one fault at a time: every 10-15 s it picks an instance at random and either kills
 * it (-9) and restarts it, or (if it may be frozen) freezes it (SIGSTOP) for 5-60 s and resumes it; then waits
 * until that instance is ready again. A logging member is hit only once the cluster is safe again, so no data
 * has a single copy left.
 */
final class Nemesis {

    private static final Duration FREEZE_MIN = Duration.ofSeconds(5);
    private static final Duration FREEZE_MAX = Duration.ofSeconds(60);

    /** One fault: what was done to which instance, and when (System.nanoTime) it began and was healed. */
    record Fault(Instance target, String kind, long began, long healed) {
        Duration lasted() {
            return Duration.ofNanos(healed - began);
        }

        @Override
        public String toString() {
            return target.name() + " " + kind;
        }
    }

    private final LocalTopology topology;
    private final List<Instance> targets;
    private final Predicate<Instance> mayFreeze;
    private final Random random;
    private final List<Fault> faults = new CopyOnWriteArrayList<>();

    Nemesis(LocalTopology topology, List<Instance> targets, Predicate<Instance> mayFreeze, long seed) {
        this.topology = topology;
        this.targets = targets;
        this.mayFreeze = mayFreeze;
        this.random = new Random(seed);
    }

    /** Starts hitting; the returned future completes once the fault under way at {@code until} is healed. */
    CompletableFuture<Void> runUntil(long until) {
        return CompletableFuture.runAsync(() -> {
            while (System.nanoTime() < until) {
                Await.pause(Duration.ofMillis(10_000 + random.nextInt(5_001)));
                if (System.nanoTime() < until) {
                    try {
                        strike(targets.get(random.nextInt(targets.size())));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AssertionError(e);
                    }
                }
            }
        });
    }

    private void strike(Instance target) throws InterruptedException {
        if (target.app.equals("logging")) {
            topology.awaitClusterSafe();
        }
        long began = System.nanoTime();
        String kind;
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
        target.awaitReady();
        faults.add(new Fault(target, kind, began, System.nanoTime()));
    }

    List<Fault> faults() {
        return List.copyOf(faults);
    }

    /** How many kills and freezes each service took, e.g. {@code {logging={freeze=1, kill=2}, ...}}. */
    Map<String, Map<String, Long>> byService() {
        return faults.stream().collect(Collectors.groupingBy(fault -> fault.target().app, TreeMap::new,
                Collectors.groupingBy(fault -> fault.kind().split(" ")[0], TreeMap::new, Collectors.counting())));
    }
}
