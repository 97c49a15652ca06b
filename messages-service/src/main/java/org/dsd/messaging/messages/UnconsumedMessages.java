package org.dsd.messaging.messages;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.IndexType;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import org.dsd.messaging.cluster.SupersededWrites;
import org.dsd.messaging.model.ConsumedMessage;
import org.dsd.messaging.model.StoredMessage;
import org.dsd.messaging.model.UserMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the messages the queue lost or never got, for the {@code messages-redeliver} route to queue them again.
 *
 * <p>The facade logs a message before it queues it: the logging map holds everything that must reach a consumer,
 * {@link ConsumedMessages} everything that did. A message logged more than a grace period ago and not consumed,
 * while nothing is on its way (the Hazelcast or JMS queue empty; a Kafka backlog cannot be seen from here), was
 * lost or never queued: a consumer cut off from the cluster for a moment can hold a Hazelcast queue item in a
 * transaction that neither commits nor rolls back, and the facade acknowledges a logged message whose offer failed
 * while the broker was away. Queuing it again is safe: should the first delivery still arrive, the record drops the
 * second.
 *
 * <p>Only the oldest messages instance looks, so that two instances do not queue the same message twice. A look
 * covers what was logged since the oldest message not yet seen consumed; the route calls it from one thread.
 */
public class UnconsumedMessages {

    private static final Logger LOG = LoggerFactory.getLogger(UnconsumedMessages.class);

    private final HazelcastInstance hazelcast;
    private final IMap<String, StoredMessage> logged;
    private final IMap<String, ConsumedMessage> consumed;
    private final SupersededWrites superseded;
    private final BooleanSupplier nothingOnItsWay;
    private final long graceMillis;
    /**
     * Cluster time before which every logged message has been seen consumed. A look over a settled cluster moves it
     * to its oldest lost message (or its horizon): whether or not queuing them again succeeds, the next look sees
     * them again.
     */
    private long consumedBefore;
    private boolean indexed;

    /** {@code nothingOnItsWay}: whether the queue holds nothing (where that can be told; otherwise always true). */
    public UnconsumedMessages(HazelcastInstance hazelcast, MessagesProperties properties,
                              BooleanSupplier nothingOnItsWay) {
        this.hazelcast = hazelcast;
        this.logged = hazelcast.getMap(StoredMessage.MAP_NAME);
        this.consumed = hazelcast.getMap(properties.consumedMapName());
        this.superseded = new SupersededWrites(logged);
        this.nothingOnItsWay = nothingOnItsWay;
        this.graceMillis = properties.redelivery().grace().toMillis();
    }

    /** The messages logged over the grace period ago that no instance consumed, oldest first. */
    public List<UserMessage> lost() {
        if (!isOldestConsumer() || !nothingOnItsWay.getAsBoolean()) {
            return List.of();
        }
        if (!indexed) {
            // On first use, as ConsumedMessages does: a look then reads only the messages logged since the last one.
            logged.addIndex(IndexType.SORTED, StoredMessage.ACCEPTED_AT);
            indexed = true;
        }
        long horizon = hazelcast.getCluster().getClusterTime() - graceMillis;
        Set<Member> membersBefore = settledMembers();
        Set<String> missing = new HashSet<>(logged.keySet(Predicates.and(
                Predicates.greaterEqual(StoredMessage.ACCEPTED_AT, consumedBefore),
                Predicates.lessThan(StoredMessage.ACCEPTED_AT, horizon))));
        missing.removeAll(consumed.getAll(missing).keySet());
        if (!missing.isEmpty()) {
            // A write the facade replaced by another one (held up by a frozen member) is not the message's record.
            missing.removeAll(superseded.uuids());
        }
        List<StoredMessage> lost = logged.getAll(missing).values().stream()
                .sorted(Comparator.comparingLong(StoredMessage::acceptedAt)).toList();
        // A query while members come and go may miss entries (a member merging back answered for partitions it
        // had just emptied, and the freeze test lost a message so): only a look over a settled cluster moves on.
        boolean settled = membersBefore != null && membersBefore.equals(settledMembers());
        LOG.debug("logged in [{}, {}): {} not consumed; settled: {}", consumedBefore, horizon, lost.size(), settled);
        if (settled) {
            consumedBefore = lost.isEmpty() ? horizon : lost.get(0).acceptedAt();
        }
        if (!lost.isEmpty()) {
            LOG.warn("{} logged messages never reached a consumer, queueing them again: {}", lost.size(),
                    lost.stream().map(StoredMessage::uuid).toList());
        }
        return lost.stream().map(StoredMessage::toUserMessage).toList();
    }

    /** The members, if no partition is migrating and every one has its backups; otherwise null. */
    private Set<Member> settledMembers() {
        Set<Member> members = hazelcast.getCluster().getMembers();
        return hazelcast.getPartitionService().isClusterSafe() ? members : null;
    }

    private boolean isOldestConsumer() {
        // Members are listed oldest first; the messages instances are the cluster's only lite members.
        return hazelcast.getCluster().getMembers().stream().filter(Member::isLiteMember).findFirst()
                .map(Member::localMember).orElse(false);
    }
}
