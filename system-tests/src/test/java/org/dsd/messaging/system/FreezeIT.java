package org.dsd.messaging.system;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.dsd.messaging.system.LocalTopology.Instance;
import org.dsd.messaging.testing.Http.Answer;
import org.dsd.messaging.testing.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A frozen member (SIGSTOP: a long GC pause, a VM stall, a cut network all look like this) is worse than a dead
 * one: its connections stay open and nothing answers on them.
 *
 * <p>Runs only with {@code -Dfreeze=true}: it still fails in about one run of three (a POST gap longer than the
 * freeze; logged messages never consumed, or missing from the consumers' lists; before the pause detector, a list
 * from the member right after its resume missing a third of the messages); the README's known problems have the
 * details.
 */
@EnabledIfSystemProperty(named = "freeze", matches = "true")
class FreezeIT {

    /**
     * Longer than it takes the others to drop it and carry on: 12-14 s as a rule (10 s of silence, then the
     * partitions it owned are promoted), about 20 s in 2 of 8 runs (a slow repartition after the master froze; a
     * running member's connection held back for 10 s after the frozen one was dropped).
     */
    private static final Duration FREEZE = Duration.ofSeconds(30);

    @Test
    void aFrozenQueueOwnerIsDroppedInSecondsAndOnceResumedServesNothingStaleAndRejoins() throws Exception {
        try (LocalTopology topology = LocalTopology.seed("freeze",
                // Each look of the redelivery, for the failures still seen: logged messages never consumed.
                "--logging.level.org.dsd.messaging.messages.UnconsumedMessages=DEBUG")) {
            PostLoad load = PostLoad.start(topology.facadeUrl(), "freeze", 4, 400);
            load.awaitProgress(0.1);
            Instance frozen = topology.queueOwner();

            frozen.freeze();
            Thread.sleep(FREEZE.toMillis());
            frozen.resume();
            long resumedAt = System.nanoTime();

            // Every list it gives must hold what was acknowledged before it was asked; until it has merged back
            // it refuses instead. Asked until it is ready and answers.
            int answered = 0;
            int refused = 0;
            boolean serving = false;
            while (!serving) {
                assertThat(System.nanoTime() - resumedAt).as("serving again within a minute")
                        .isLessThan(Duration.ofSeconds(60).toNanos());
                boolean ready = Http.get(frozen.url() + "/actuator/health/readiness").status() == 200;
                Set<String> acknowledgedBefore = load.acknowledgedSoFar();
                Answer list = Http.get(frozen.url() + "/logging");
                if (list.status() == 200) {
                    answered++;
                    assertThat(Http.uuids(list.json())).as("a list from the resumed member")
                            .containsAll(acknowledgedBefore);
                    serving = ready;
                } else {
                    assertThat(list.status()).as(list.body()).isEqualTo(503);
                    refused++;
                }
                Thread.sleep(200);
            }
            Duration rejoined = Duration.ofNanos(System.nanoTime() - resumedAt);

            Set<String> acknowledged = load.finish();

            System.out.printf("freeze of %s for %s: longest time without an accepted POST %s; after the resume "
                            + "%d lists refused, %d answered (none stale), ready again after %s; retried %s%n",
                    frozen.name(), FREEZE, load.longestWithoutAcknowledgement(), refused, answered, rejoined,
                    load.retried());
            assertThat(load.longestWithoutAcknowledgement()).as("POSTs accepted again while it is still frozen")
                    .isLessThan(FREEZE);
            assertThat(acknowledged).hasSize(load.total());
            List<String> logged = Http.uuids(Http.get(topology.facadeUrl()).json().get("logging-service"));
            assertThat(logged).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(acknowledged);
            FaultToleranceIT.assertConsumedOnceEach(topology.consumed(load.total()), acknowledged);
        }
    }
}
