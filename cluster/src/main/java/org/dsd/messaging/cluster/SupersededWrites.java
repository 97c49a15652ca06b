package org.dsd.messaging.cluster;

import java.util.HashSet;
import java.util.Set;

import com.hazelcast.config.IndexType;
import com.hazelcast.map.IMap;
import com.hazelcast.projection.Projections;
import com.hazelcast.query.Predicates;
import org.dsd.messaging.model.StoredMessage;

/**
 * The uuids of logged writes that a later write of the same message replaced ({@link StoredMessage#supersedes()}):
 * the lists leave them out and the redelivery never queues them. Few or none: only writes held up by a frozen
 * member are replaced, so the sorted index on the attribute answers at the cost of one call per member.
 */
public final class SupersededWrites {

    private final IMap<String, StoredMessage> logged;
    private volatile boolean indexed;

    public SupersededWrites(IMap<String, StoredMessage> logged) {
        this.logged = logged;
    }

    public Set<String> uuids() {
        ensureIndexed();
        // The range leaves out the entries that supersede nothing (null).
        return new HashSet<>(logged.project(Projections.singleAttribute(StoredMessage.SUPERSEDES),
                Predicates.greaterThan(StoredMessage.SUPERSEDES, "")));
    }

    private void ensureIndexed() {
        if (!indexed) {
            // On first use, as the lists add theirs: an instance may start before any member that can hold it.
            logged.addIndex(IndexType.SORTED, StoredMessage.SUPERSEDES);
            indexed = true;
        }
    }
}
