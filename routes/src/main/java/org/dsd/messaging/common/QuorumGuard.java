package org.dsd.messaging.common;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;

/**
 * Whether this member may serve: its side of the cluster holds the {@link DataMemberQuorum}. Hazelcast re-evaluates
 * the quorum once per heartbeat interval; a member resuming from a freeze would serve its stale data until then.
 * The guard judges it now, from the heartbeats heard so far, before a route touches the cluster. An app that joins
 * as a client has no view of the quorum: the members it talks to refuse on the minority side.
 */
public class QuorumGuard {

    static final String MINORITY = "on the minority side of a split: serves nothing until it has merged back";

    private final HazelcastInstance hazelcast;
    private final DataMemberQuorum quorum;
    private final SplitBrainProtection protection;

    public QuorumGuard(HazelcastInstance hazelcast, boolean member) {
        this.hazelcast = hazelcast;
        this.quorum = member ? DataMemberQuorum.of(hazelcast) : null;
        this.protection = member
                ? hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(DataMemberQuorum.NAME)
                : null;
    }

    public boolean present() {
        return quorum == null
                || protection.hasMinimumSize() && quorum.apply(hazelcast.getCluster().getMembers());
    }

    /** Fails the exchange with a 503 (the facade then fails over) unless this member may serve. */
    public void ensurePresent() {
        if (!present()) {
            throw new ServiceUnavailableException(MINORITY);
        }
    }
}
