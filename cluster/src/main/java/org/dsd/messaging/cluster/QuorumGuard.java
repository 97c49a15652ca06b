package org.dsd.messaging.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;

/**
 * Whether this member may serve: its side of the cluster holds the {@link DataMemberQuorum}. Hazelcast re-evaluates
 * the quorum once per heartbeat interval; a member resuming from a freeze would serve its stale data until then.
 * The guard judges it now, from the heartbeats heard so far, before a route touches the cluster. An app that joins
 * as a client has no view of the quorum: the members it talks to refuse on the minority side.
 *
 * <p>A member that stood still (frozen, a long GC pause) serves nothing for a while after it resumes
 * ({@link PauseDetector}): until then its view of the cluster may be the one from before the pause.
 *
 * <p>A member that merges back serves nothing until the cluster is safe again. It empties its partitions when it
 * rejoins, and until the partition table and the migrations have settled it may answer for partitions it no
 * longer holds: a chaos run once got a list missing every message from a member merging back.
 */
public class QuorumGuard {

    static final String MINORITY = "on the minority side of a split: serves nothing until it has merged back";

    private enum Rejoin { NONE, MERGING, AWAITING_SAFE }

    private final HazelcastInstance hazelcast;
    private final DataMemberQuorum quorum;
    private final SplitBrainProtection protection;
    private final PauseDetector pauses;
    private volatile Rejoin rejoin = Rejoin.NONE;

    public QuorumGuard(HazelcastInstance hazelcast, boolean member, PauseDetector pauses) {
        this.hazelcast = hazelcast;
        this.pauses = pauses;
        this.quorum = member ? DataMemberQuorum.of(hazelcast) : null;
        this.protection = member
                ? hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(DataMemberQuorum.NAME)
                : null;
        if (member) {
            hazelcast.getLifecycleService().addLifecycleListener(this::onLifecycle);
        }
    }

    private void onLifecycle(LifecycleEvent event) {
        LifecycleState state = event.getState();
        if (state == LifecycleState.MERGING) {
            rejoin = Rejoin.MERGING;
        } else if (state == LifecycleState.MERGED) {
            rejoin = Rejoin.AWAITING_SAFE;
        } else if (state == LifecycleState.MERGE_FAILED) {
            rejoin = Rejoin.NONE;
        }
    }

    public boolean present() {
        return quorum == null || !pauses.recentlyPaused() && rejoined()
                && protection.hasMinimumSize() && quorum.apply(hazelcast.getCluster().getMembers());
    }

    private boolean rejoined() {
        return switch (rejoin) {
            case NONE -> true;
            case MERGING -> false;
            // A call to every member: made only in the moments after a merge.
            case AWAITING_SAFE -> {
                boolean safe = hazelcast.getPartitionService().isClusterSafe();
                if (safe) {
                    rejoin = Rejoin.NONE;
                }
                yield safe;
            }
        };
    }

    /** Fails the exchange (the routes answer 503, the facade fails over) unless this member may serve. */
    public void ensurePresent() {
        if (!present()) {
            throw new ClusterUnavailableException(MINORITY);
        }
    }
}
