package org.dsd.messaging.cluster;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import com.hazelcast.replicatedmap.ReplicatedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data members whose data is whole, by uuid, for the {@link DataMemberQuorum}: a member records itself once it
 * has joined, and again once a merge after a split has sent all its entries (Hazelcast gives it a new uuid when it
 * rejoins, and announces MERGED only after its merge tasks ended). Until then the others do not count it.
 *
 * <p>A replicated map, so that every member reads the record locally, and one that joins later finds it; it has
 * no split-brain protection, so the record is written on either side of a split.
 */
public class WholeDataMembers {

    public static final String MAP_NAME = "whole-data-members";
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(WholeDataMembers.class);

    private final HazelcastInstance hazelcast;
    private final ReplicatedMap<UUID, Boolean> whole;

    public WholeDataMembers(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        this.whole = hazelcast.getReplicatedMap(MAP_NAME);
        DataMemberQuorum.of(hazelcast).countOnlyWhole(whole::containsKey);
        hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleState.MERGED) {
                recordSelf();
            }
        });
        recordSelf();
    }

    /**
     * Off the calling thread: the write goes to the entry's owner, which may be the one member not answering. Until
     * it succeeds the others do not count this member, so a failure is retried.
     */
    private void recordSelf() {
        UUID self = hazelcast.getCluster().getLocalMember().getUuid();
        CompletableFuture.runAsync(() -> whole.put(self, true)).whenComplete((done, failure) -> {
            if (failure == null) {
                LOG.info("recorded this member's data as whole ({})", self);
            } else if (hazelcast.getLifecycleService().isRunning()) {
                LOG.warn("could not record this member's data as whole, again in {}: {}", RETRY, failure.toString());
                CompletableFuture.delayedExecutor(RETRY.toMillis(), TimeUnit.MILLISECONDS).execute(this::recordSelf);
            }
        });
    }
}
