package org.dsd.messaging.common;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.splitbrainprotection.HeartbeatAware;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionFunction;

/**
 * Split-brain protection of every map and queue: a member serves only while its side of the cluster holds a strict
 * majority of the data members the cluster is expected to have.
 *
 * <p>Expected are all data members this member has seen (by address, so a restarted member is the same one), less
 * those that announced a graceful departure: members stopped one by one shrink the cluster down to the last one,
 * which keeps serving. A member that vanished without a word (killed, frozen, cut off) still counts, because from
 * here it cannot be told apart from one that serves on the other side of a split. A member counts as present only
 * while its heartbeats arrive: one resuming from a freeze has heard nobody for a while and serves nothing until it
 * has merged back. Lite members (the messages apps) hold no data and do not count.
 *
 * <p>A member also counts only once its data is whole ({@link WholeDataMembers}): one that merges back after a split
 * joins first and sends its entries after, and until they are in, a side that counts it may serve a list that
 * lacks them, or store a retried message a second time. Without that record (a member configured from a file)
 * every member counts as whole.
 *
 * <p>Present takes the last <em>two</em> heartbeats within the tolerance. A resumed member's Hazelcast takes the
 * freeze for a jump of the system clock and stamps one fresh heartbeat on every member it still lists; from the
 * members that dropped it meanwhile, no second one ever comes.
 */
public final class DataMemberQuorum implements SplitBrainProtectionFunction, HeartbeatAware, MembershipListener {

    public static final String NAME = "data-member-quorum";
    /** Topic on which a data member announces, just before it shuts down gracefully, that it leaves on purpose. */
    public static final String DEPARTURES_TOPIC = "data-member-departures";

    private final long heartbeatToleranceMillis;
    private final Set<Address> expected = ConcurrentHashMap.newKeySet();
    private final Set<Address> departed = ConcurrentHashMap.newKeySet();
    private final Map<Address, Heard> heard = new ConcurrentHashMap<>();
    /** Which other members' data is whole; null: all of them. */
    private volatile Predicate<UUID> whole;

    public DataMemberQuorum(long heartbeatToleranceMillis) {
        this.heartbeatToleranceMillis = heartbeatToleranceMillis;
    }

    /**
     * For a member configured from a file ({@code function-class-name}, docker/hazelcast/hazelcast.yaml): the
     * tolerance is that member's {@code hazelcast.max.no.heartbeat.seconds}, given as a system property, else 6 s
     * (the default of {@code app.hazelcast.max-no-heartbeat-seconds}).
     */
    public DataMemberQuorum() {
        this(Long.getLong("hazelcast.max.no.heartbeat.seconds", 6) * 1000L);
    }

    /** The quorum function of a member built by {@link HazelcastConfigs#member}. */
    public static DataMemberQuorum of(HazelcastInstance member) {
        return (DataMemberQuorum) member.getConfig().getSplitBrainProtectionConfig(NAME).getFunctionImplementation();
    }

    @Override
    public boolean apply(Collection<Member> members) {
        long now = System.currentTimeMillis();
        int present = 0;
        for (Member member : members) {
            if (member.isLiteMember() || departed.contains(member.getAddress())) {
                continue;
            }
            expected.add(member.getAddress());
            Heard last = heard.computeIfAbsent(member.getAddress(), first -> Heard.at(now));
            if (member.localMember() || now - last.previous() <= heartbeatToleranceMillis && isWhole(member)) {
                present++;
            }
        }
        return 2 * present > expected.size();
    }

    private boolean isWhole(Member member) {
        Predicate<UUID> wholeMembers = whole;
        return wholeMembers == null || wholeMembers.test(member.getUuid());
    }

    /** From now on another member counts only while {@code wholeMembers} holds its uuid. */
    void countOnlyWhole(Predicate<UUID> wholeMembers) {
        this.whole = wholeMembers;
    }

    @Override
    public void onHeartbeat(Member member, long timestamp) {
        heard.merge(member.getAddress(), Heard.at(timestamp), (last, beat) -> last.then(timestamp));
    }

    @Override
    public void memberAdded(MembershipEvent event) {
        // A member that joins (again) has sent no heartbeat yet: it counts from its join.
        departed.remove(event.getMember().getAddress());
        heard.put(event.getMember().getAddress(), Heard.at(System.currentTimeMillis()));
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
        // Still expected: unless it announced its departure, it may be serving on the other side of a split.
    }

    /** The member at {@code address} leaves on purpose: the majority is counted without it until it rejoins. */
    public void departed(Address address) {
        departed.add(address);
        expected.remove(address);
        heard.remove(address);
    }

    /** Times (ms) of the last two heartbeats from a member. */
    private record Heard(long previous, long last) {

        static Heard at(long time) {
            return new Heard(time, time);
        }

        Heard then(long time) {
            return time > last ? new Heard(last, time) : this;
        }
    }
}
