package org.dsd.messaging.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import com.hazelcast.logging.ILogger;
import com.hazelcast.logging.Logger;
import com.hazelcast.splitbrainprotection.HeartbeatAware;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionFunction;

/**
 * Split-brain protection of every map and queue: a member serves only while its side of the cluster holds a strict
 * majority of the data members the cluster is expected to have, or exactly half of them together with a majority of
 * the witnesses (the lite members, the messages apps: they hold no data but vote).
 *
 * <p><b>Expected</b> are the members this member has seen (by address, so a restarted member is the same one), less
 * those that announced a graceful departure, and less those that vanished without a word (killed, frozen, cut off)
 * once the survivors have taken over their data: a vanished member still counts while its side holds no majority,
 * because from here it cannot be told apart from one that serves on the other side of a split. Once this side holds
 * the quorum without it, and every partition has its backups again ({@code isClusterSafe}), it is no longer expected
 * (dynamic quorum, "last man standing"). So crashes one after another, each after the cluster is safe again, leave
 * the last data member serving beside the witnesses, while a split (which never leaves a side that is both a
 * majority and safe without the other) leaves at most one side serving. A member that comes back is expected again.
 *
 * <p>Half of the data members is enough only where a half holds every entry: while the backups ({@code backup-count}
 * of the default map) cover the other half. Two disjoint sides cannot both hold more than half, nor both half and
 * both a majority of the witnesses.
 *
 * <p>A member counts as present only while its heartbeats arrive: one resuming from a freeze has heard nobody for a
 * while and serves nothing until it has merged back. A data member also counts only once its data is whole
 * ({@link WholeDataMembers}): one that merges back after a split joins first and sends its entries after, and until
 * they are in, a side that counts it may serve a list that lacks them, or store a retried message a second time.
 * Without that record (a member configured from a file) every member counts as whole.
 *
 * <p>Present takes the last <em>two</em> heartbeats within the tolerance. A resumed member's Hazelcast takes the
 * freeze for a jump of the system clock and stamps one fresh heartbeat on every member it still lists; from the
 * members that dropped it meanwhile, no second one ever comes.
 */
public final class DataMemberQuorum implements SplitBrainProtectionFunction, HeartbeatAware, MembershipListener,
        HazelcastInstanceAware {

    public static final String NAME = "data-member-quorum";
    /** Topic on which a member announces, just before it shuts down gracefully, that it leaves on purpose. */
    public static final String DEPARTURES_TOPIC = "data-member-departures";

    /** Hazelcast's logging: a member started from the image has this class and Hazelcast on its classpath only. */
    private static final ILogger LOG = Logger.getLogger(DataMemberQuorum.class);
    /** How often a member that left is looked at: it stops being expected soon after the cluster is safe. */
    private static final long LEFT_MEMBERS_CHECK_MILLIS = 250;

    private final long heartbeatToleranceMillis;
    /** Expected members: true for a data member, false for a witness. */
    private final Map<Address, Boolean> expected = new ConcurrentHashMap<>();
    private final Set<Address> departed = ConcurrentHashMap.newKeySet();
    private final Map<Address, Heard> heard = new ConcurrentHashMap<>();
    /** Which other members' data is whole; null: all of them. */
    private volatile Predicate<UUID> whole;
    private volatile HazelcastInstance hazelcast;
    private volatile int backupCount = 1;

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

    /** Hazelcast hands its instance over when it builds the split-brain protection, before the member joins. */
    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        this.hazelcast = instance;
        this.backupCount = instance.getConfig().getMapConfig("default").getBackupCount();
        ScheduledExecutorService leftMembers = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "data-member-quorum-left-members");
            thread.setDaemon(true);
            return thread;
        });
        leftMembers.scheduleWithFixedDelay(this::forgetLeftMembersOnceSafe, LEFT_MEMBERS_CHECK_MILLIS,
                LEFT_MEMBERS_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        instance.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleState.SHUTTING_DOWN) {
                leftMembers.shutdownNow();
            }
        });
    }

    /**
     * Hazelcast passes the data members only; the witnesses are read from this member's own view of the cluster.
     */
    @Override
    public boolean apply(Collection<Member> members) {
        long now = System.currentTimeMillis();
        HazelcastInstance instance = hazelcast;
        Collection<Member> everyMember = instance == null ? List.of() : instance.getCluster().getMembers();
        int presentData = 0;
        int presentWitnesses = 0;
        for (Member member : members) {
            if (!member.isLiteMember() && isPresent(member, true, now)) {
                presentData++;
            }
        }
        for (Member member : everyMember) {
            if (member.isLiteMember() && isPresent(member, false, now)) {
                presentWitnesses++;
            }
        }
        int expectedData = count(true);
        if (2 * presentData > expectedData) {
            return true;
        }
        // Half of the data members hold every entry only while the backups cover the other half.
        return presentData > 0 && 2 * presentData == expectedData && presentData <= backupCount
                && 2 * presentWitnesses > count(false);
    }

    /** Records the member as expected (unless it departed) and tells whether it is present now. */
    private boolean isPresent(Member member, boolean data, long now) {
        if (departed.contains(member.getAddress())) {
            return false;
        }
        expected.put(member.getAddress(), data);
        Heard last = heard.computeIfAbsent(member.getAddress(), first -> Heard.at(now));
        return member.localMember() || now - last.previous() <= heartbeatToleranceMillis && (!data || isWhole(member));
    }

    private int count(boolean data) {
        return (int) expected.values().stream().filter(isData -> isData == data).count();
    }

    private boolean isWhole(Member member) {
        Predicate<UUID> wholeMembers = whole;
        return wholeMembers == null || wholeMembers.test(member.getUuid());
    }

    /** From now on another member counts only while {@code wholeMembers} holds its uuid. */
    void countOnlyWhole(Predicate<UUID> wholeMembers) {
        this.whole = wholeMembers;
    }

    /**
     * Stops expecting the members that left the cluster, once this side holds the quorum without them and every
     * partition has its backups again: they were taken over, not split off.
     */
    private void forgetLeftMembersOnceSafe() {
        try {
            HazelcastInstance instance = hazelcast;
            if (instance == null || !instance.getLifecycleService().isRunning() || !hasLeftMembers()) {
                return;
            }
            Set<Member> members = instance.getCluster().getMembers();
            if (!apply(members) || !instance.getPartitionService().isClusterSafe()
                    || !members.equals(instance.getCluster().getMembers())) {
                return;
            }
            Set<Address> present = addresses(members);
            expected.keySet().removeIf(address -> {
                if (present.contains(address)) {
                    return false;
                }
                LOG.info("member " + address + " left and the cluster is safe without it: no longer expected");
                heard.remove(address);
                return true;
            });
        } catch (RuntimeException e) {
            // A member shutting down or a cluster changing under the check: the next one looks again.
            LOG.fine("left members not checked: " + e);
        }
    }

    /** Whether a member that left the cluster is still expected: the quorum has not caught up with it yet. */
    public boolean hasLeftMembers() {
        HazelcastInstance instance = hazelcast;
        if (instance == null) {
            return false;
        }
        return !addresses(instance.getCluster().getMembers()).containsAll(expected.keySet());
    }

    private static Set<Address> addresses(Collection<Member> members) {
        return members.stream().map(Member::getAddress).collect(Collectors.toSet());
    }

    /** How many data members and witnesses this member expects, for the health details. */
    public Map<String, Integer> expectedCounts() {
        return Map.of("expectedDataMembers", count(true), "expectedWitnesses", count(false));
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
        // Still expected until this side is safe without it: it may be serving on the other side of a split.
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
