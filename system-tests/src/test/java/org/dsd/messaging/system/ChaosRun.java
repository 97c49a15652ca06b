package org.dsd.messaging.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.dsd.messaging.system.Nemesis.Fault;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded, Jepsen-style chaos run on a {@link LocalTopology}: 8 clients post under load and retry with their
 * Idempotency-Key on any error, readers ask for the logged messages, and a {@link Nemesis} kills and freezes
 * instances. Once the load stopped, every fault healed and the queue drained, the history is checked: every
 * acknowledged message is logged exactly once and consumed exactly once, one never acknowledged at most once, and
 * no list answered during the run missed a message acknowledged before it was asked.
 */
final class ChaosRun {

    /** How long the nemesis strikes; {@code -Dchaos.seconds=1800} (Maven property) makes it a soak. */
    static final Duration DURATION = Duration.ofSeconds(Long.getLong("chaos.seconds", 180));

    private static final int CLIENTS = 8;
    private static final Duration CLIENT_PACE = Duration.ofMillis(100);
    private static final int READERS = 2;
    /** The longest a POST of a client that never retries may take while a logging or messages instance is killed. */
    private static final Duration KILL_COST_BOUND = Duration.ofSeconds(2);
    /** The same while a logging or messages instance is frozen (FreezeIT's bound). */
    private static final Duration FREEZE_COST_BOUND = Duration.ofSeconds(3);
    /** The delivery delay (acknowledgement to consumption) that 99 % of the messages acknowledged away from faults beat. */
    private static final Duration DELIVERY_DELAY_P99_BOUND = DeliveryDelays.BEFORE_A_FAULT;

    private ChaosRun() {
    }

    /**
     * Posts one message and waits until it is consumed. The run begins after: a queue client may connect on its
     * first send (the JMS one took 4 s on a cold JVM), which is what a start costs, not what a fault costs.
     */
    private static void awaitOneMessageThrough(LocalTopology topology) {
        Answer posted = Http.post(topology.facadeUrl(), "application/x-www-form-urlencoded", "msg=chaos-first");
        assertThat(posted.status()).as(posted.body()).isEqualTo(201);
        String uuid = posted.json().path("message").path("uuid").asText();
        Await.until(Duration.ofMinutes(1), "the first message consumed",
                () -> topology.client().getMap("consumed-messages").containsKey(uuid));
    }

    /**
     * Plays the run against {@code targets} (killed, or frozen where {@code mayFreeze}), prints its figures and
     * asserts the guarantees.
     */
    static void play(LocalTopology topology, List<? extends Target> targets, Predicate<Target> mayFreeze,
                     Duration duration)
            throws Exception {
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        awaitOneMessageThrough(topology);
        long began = System.nanoTime();
        PostLoad load = PostLoad.untilStopped(topology.facadeUrl(), "chaos", CLIENTS, CLIENT_PACE);
        List<String> listUrls = Stream.concat(topology.logging().stream().map(i -> i.url() + "/logging"),
                Stream.of(topology.facadeUrl())).toList();
        ListReaders readers = ListReaders.start(listUrls, load, READERS);
        NonRetryingClient seedClient = NonRetryingClient.start(topology.facadeUrl(), "chaos-seed-client",
                CLIENT_PACE);
        Nemesis nemesis = new Nemesis(topology, targets, mayFreeze, seed);
        nemesis.runUntil(began + duration.toNanos()).join();
        seedClient.close();
        load.stop();
        load.awaitClients();
        readers.stop();
        Duration ran = Duration.ofNanos(System.nanoTime() - began);

        topology.awaitClusterSafe();
        Map<String, String> acknowledged = load.acknowledgedByText();
        Set<String> acknowledgedUuids = new HashSet<>(acknowledged.values());
        acknowledgedUuids.addAll(seedClient.acknowledged());
        Answer list = Http.get(topology.logging().get(0).url() + "/logging");
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        List<String> loggedTexts = new ArrayList<>();
        list.json().forEach(message -> loggedTexts.add(message.get("msg").asText()));
        Set<String> lost = new HashSet<>(acknowledgedUuids);
        Http.uuids(list.json()).forEach(lost::remove);
        List<String> loggedTwice = twice(loggedTexts, Function.identity());
        Set<String> unacknowledgedLogged = new HashSet<>(load.unacknowledged());
        unacknowledgedLogged.retainAll(loggedTexts);

        List<String> consumed = drained(topology, acknowledgedUuids);
        Set<String> notConsumed = new HashSet<>(acknowledgedUuids);
        consumed.forEach(notConsumed::remove);
        List<String> consumedTwice = twice(consumed, Function.identity());
        Answer afterwards = Http.post(topology.facadeUrl(), "text/plain", "after the chaos");
        List<DeliveryHistory.Event> secondDeliveries = DeliveryHistory.secondDeliveries(topology);
        List<DeliveryHistory.Event> redeliveries = DeliveryHistory.redeliveries(topology);
        DeliveryDelays delays = new DeliveryDelays(load, DeliveryHistory.consumedAtMillis(topology,
                acknowledgedUuids), nemesis.faults());

        Figures.print("chaos run (seed %d) of %s against %s:%n"
                        + "  faults by service %s, %d of them begun while another was under way%n"
                        + "  %d POSTs sent (retries included), %d messages acknowledged, %d given up (%d of them "
                        + "logged); longest time with no POST accepted %s%n"
                        + "  lost %d, logged twice %d, consumed twice %d, acknowledged but not consumed %d%n"
                        + "  lists read during the run: %d answered, %d refused, stale %d, with a uuid twice %d%n"
                        + "  retried answers %s%n"
                        + "  a client that never retries: %s%n"
                        + "  unexpected answers (neither 201, 503 nor no answer) to the load %d, to the readers %d; "
                        + "lists that no longer held an acknowledged message listed before %d, a message listed "
                        + "while its POST was under way %d%n"
                        + "  delivered twice (a second delivery the consumers dropped) %d, queued again by the "
                        + "redelivery %d%n"
                        + "  delivery delay (acknowledgement to consumption) %s; of the messages acknowledged away "
                        + "from any fault %s%n",
                seed, ran, targets.stream().map(Target::name).toList(), nemesis.byService(), nemesis.overlapping(),
                load.requests(),
                acknowledged.size(), load.unacknowledged().size(), unacknowledgedLogged.size(),
                load.longestWithoutAcknowledgement(), lost.size(), loggedTwice.size(), consumedTwice.size(),
                notConsumed.size(), readers.answered(), readers.refused(), readers.stale().size(),
                readers.doubled().size(), load.retried(), seedClient.summary(), load.unexpected().size(),
                readers.unexpected().size(), readers.forgotten().size(), readers.undone().size(),
                secondDeliveries.size(), redeliveries.size(), delays.all(), delays.awayFromFaults());
        List<Fault> facadeFaults = nemesis.faults().stream().filter(fault -> Nemesis.isFacade(fault.target())).toList();
        long refusedByTheFacade = readers.refusals().stream()
                .filter(refusal -> refusal.url().equals(topology.facadeUrl()) && facadeFaults.stream()
                        .noneMatch(fault -> fault.overlaps(refusal.asked(), refusal.refused())))
                .count();
        Figures.print("  lists the facade refused outside its own faults %d%n", refusedByTheFacade);
        List<Long> acks = load.acknowledgementTimes();
        List<String> faultsThatReachedAClient = new ArrayList<>();
        for (Fault fault : nemesis.faults()) {
            // The facade is one by the seed's design: calls under way during its own faults are not held against
            // the faults beside them.
            List<NonRetryingClient.Call> calls = seedClient.calls(fault.began(), fault.healed()).stream()
                    .filter(call -> Nemesis.isFacade(fault.target())
                            || facadeFaults.stream().noneMatch(f -> call.overlaps(f.began(), f.healed())))
                    .toList();
            List<NonRetryingClient.Call> errors = calls.stream().filter(call -> call.error() != null).toList();
            Duration slowestPost = NonRetryingClient.slowest(calls, "POST");
            Figures.print("  %-36s at %4ds, healed after %5.1fs, longest time with no POST accepted %5.1fs; "
                            + "the client that never retries: %d errors, slowest POST %5.2fs, slowest GET %5.2fs; "
                            + "until the next fault %d delivered twice, %d queued again%n",
                    fault, Duration.ofNanos(fault.began() - began).toSeconds(), fault.lasted().toMillis() / 1000.0,
                    PostLoad.longestGap(acks, fault.began(), fault.healed()).toMillis() / 1000.0, errors.size(),
                    slowestPost.toMillis() / 1000.0, NonRetryingClient.slowest(calls, "GET").toMillis() / 1000.0,
                    delays.countUntilNextFault(secondDeliveries, fault), delays.countUntilNextFault(redeliveries, fault));
            Duration bound = costBound(fault, nemesis.faults());
            if (bound != null && (!errors.isEmpty() || slowestPost.compareTo(bound) > 0)) {
                faultsThatReachedAClient.add(fault + ": " + errors.size() + " errors " + errors.stream().limit(3)
                        .map(NonRetryingClient.Call::error).toList() + ", slowest POST " + slowestPost);
            }
        }
        // Printed whatever fails first: one run failed on a doubled message and its stale lists went unseen.
        readers.stale().forEach(stale -> Figures.print("  stale: %s%n", stale));
        readers.forgotten().forEach(forgotten -> Figures.print("  forgotten: %s%n", forgotten));
        readers.undone().forEach(undone -> Figures.print("  undone: %s%n", undone));
        Stream.concat(load.unexpected().stream(), readers.unexpected().stream()).limit(10)
                .forEach(unexpected -> Figures.print("  unexpected: %s%n", unexpected));

        assertThat(nemesis.faults()).as("faults").isNotEmpty();
        assertThat(lost).as("acknowledged, not logged").isEmpty();
        assertThat(loggedTwice).as("logged twice").isEmpty();
        assertThat(readers.stale()).as("stale lists").isEmpty();
        assertThat(readers.doubled()).as("lists with a uuid twice").isEmpty();
        assertThat(readers.forgotten()).as("lists without an acknowledged message listed before").isEmpty();
        assertThat(load.unexpected()).as("unexpected answers to the load").isEmpty();
        assertThat(readers.unexpected()).as("unexpected answers to the readers").isEmpty();
        // Two readers ask once a second each at best, and a frozen instance holds a read up to its timeout (30 s):
        // at least one list every two seconds of the run, or the stale check rested on too few (one run: 166 in 191 s).
        assertThat(readers.answered()).as("lists checked").isGreaterThanOrEqualTo((int) duration.toSeconds() / 2);
        // A struck logging instance read directly refuses by design; the facade fails over, so it refuses only when
        // no instance can serve (its own faults aside).
        assertThat(refusedByTheFacade).as("lists the facade refused outside its own faults")
                .isLessThanOrEqualTo(readers.answered() / 10);
        assertThat(delays.awayFromFaultsP99()).as("p99 of the delivery delay away from faults")
                .isLessThan(DELIVERY_DELAY_P99_BOUND);
        assertThat(notConsumed).as("acknowledged, not consumed").isEmpty();
        assertThat(consumedTwice).as("consumed twice").isEmpty();
        // Every single fault heals within the clients' two minutes of retrying: none should have given up.
        assertThat(load.unacknowledged()).as("messages whose client gave up").isEmpty();
        assertThat(afterwards.status()).as("a POST once all is healed: " + afterwards.body()).isEqualTo(201);
        // One facade by the seed's design: its own faults reach its clients. A logging or messages instance's never.
        // Said with the time into the run, to be read beside the faults' times above.
        List<String> errorsBesideTheFacadesFaults = seedClient.errors().stream()
                .filter(call -> facadeFaults.stream().noneMatch(fault -> call.overlaps(fault.began(), fault.healed())))
                .map(call -> "%s at %.1fs: %s".formatted(call.kind(), (call.sent() - began) / 1e9, call.error()))
                .toList();
        assertThat(errorsBesideTheFacadesFaults).as("errors of the client that never retries, the facade's own "
                + "faults aside").isEmpty();
        assertThat(faultsThatReachedAClient).as("faults that reached the client that never retries (an error, or a "
                + "POST slower than " + KILL_COST_BOUND + " for a kill, " + FREEZE_COST_BOUND + " for a freeze)")
                .isEmpty();
    }

    /**
     * The longest POST a fault may cost the client that never retries, which it may not cost an error either; null:
     * only reported. The facade is one by the seed's design. A fault that overlaps another may cost what the costlier
     * of the two may.
     */
    private static Duration costBound(Fault fault, List<Fault> faults) {
        if (Nemesis.isFacade(fault.target())) {
            return null;
        }
        return faults.stream()
                .filter(other -> !Nemesis.isFacade(other.target()) && other.overlaps(fault.began(), fault.healed()))
                .map(other -> other.kind().startsWith("kill") ? KILL_COST_BOUND : FREEZE_COST_BOUND)
                .max(Duration::compareTo).orElseThrow();
    }

    /** Every uuid the messages instances list, once all of {@code acknowledged} are (or three minutes passed). */
    private static List<String> drained(LocalTopology topology, Set<String> acknowledged) {
        List<String> consumed = new ArrayList<>();
        try {
            Await.until(Duration.ofMinutes(3), "the queue drained", () -> {
                consumed.clear();
                topology.messages().forEach(instance ->
                        consumed.addAll(Http.uuids(Http.get(instance.url() + "/messages").json())));
                return new HashSet<>(consumed).containsAll(acknowledged);
            });
        } catch (AssertionError notAll) {
            // reported by the caller, with the figures
        }
        return consumed;
    }

    /** The keys that occur more than once among {@code items}. */
    private static <T> List<String> twice(List<T> items, Function<T, String> key) {
        return items.stream().collect(Collectors.groupingBy(key, Collectors.counting())).entrySet().stream()
                .filter(entry -> entry.getValue() > 1).map(Map.Entry::getKey).toList();
    }
}
