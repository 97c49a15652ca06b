package org.dsd.messaging.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.LongSupplier;

import com.hazelcast.aggregation.Aggregators;
import com.hazelcast.config.IndexConfig;
import com.hazelcast.map.IMap;
import com.hazelcast.projection.Projections;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import org.dsd.messaging.model.TimeOrdered;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entries of a distributed map that make up a list (all of them, or those {@code scope} picks), in time order,
 * read so that no one holds the whole list: the members sort and cut a page, and the whole list is read a window of
 * the sorted index at a time while its JSON goes out. The index is added on first use, not at start: an instance
 * may start before any member that can hold it.
 */
public final class TimeOrderedList<V extends TimeOrdered> {

    private static final Logger LOG = LoggerFactory.getLogger(TimeOrderedList.class);
    private static final String UUID = "uuid";

    private final IMap<String, V> map;
    private final IndexConfig index;
    private final String timeAttribute;
    private final Predicate<String, V> scope;
    private final int window;
    private final LongSupplier now;
    private volatile boolean indexed;
    /** The time between neighbouring entries on the last page read, -1 before one: the next page's first guess. */
    private volatile double timePerEntry = -1;

    /**
     * @param index  a sorted index whose last attribute is the time the list is ordered by, any before it fixed by
     *               the scope
     * @param scope  which entries belong to the list; null for all of them
     * @param window how many entries the whole list reads at a time: what it holds in memory while it goes out
     * @param now    the present in the list's time: where a page's range stops widening. Only its cost depends on it
     */
    public TimeOrderedList(IMap<String, V> map, IndexConfig index, Predicate<String, V> scope, int window,
                           LongSupplier now) {
        this.map = map;
        this.index = index;
        this.timeAttribute = index.getAttributes().get(index.getAttributes().size() - 1);
        this.scope = scope;
        this.window = window;
        this.now = now;
    }

    /**
     * At most {@code limit} entries in time order, after {@code cursor} (from the start when null). The members sort
     * and cut a range of the index just after the cursor, not everything after it, so a page deep in a long list
     * costs what one near its end does. The range starts twice as wide as the last page read says {@code limit}
     * entries need, and widens fourfold until they fit; once it reaches the present, what lies after the cursor is read
     * unbounded. A wrong guess costs a few more queries, never a missed entry.
     */
    public List<V> page(V cursor, int limit) {
        return page(cursor, limit, Set.of());
    }

    /** As {@link #page(TimeOrdered, int)}, without the entries whose uuids are in {@code leaveOut}. */
    public List<V> page(V cursor, int limit, Set<String> leaveOut) {
        ensureIndexed();
        Long from = cursor != null ? Long.valueOf(cursor.listedAt()) : earliest();
        if (from == null) {
            return List.of();
        }
        // Entries that share the cursor's time and sort before it (by uuid) belong to earlier pages.
        Predicate<String, V> besidesRange = cursor == null ? null
                : Predicates.or(Predicates.greaterThan(timeAttribute, from), Predicates.greaterThan(UUID, cursor.uuid()));
        if (!leaveOut.isEmpty()) {
            Predicate<String, V> kept = Predicates.not(Predicates.in(UUID, leaveOut.toArray(new String[0])));
            besidesRange = besidesRange == null ? kept : Predicates.and(besidesRange, kept);
        }
        long toPresent = now.getAsLong() - from;
        long span = firstSpan(toPresent, limit);
        for (int queries = 1; ; queries++) {
            boolean unbounded = span >= toPresent;
            Predicate<String, V> range = unbounded ? Predicates.greaterEqual(timeAttribute, from)
                    : Predicates.between(timeAttribute, from, from + span);
            Predicate<String, V> query = besidesRange == null ? within(range) : within(range, besidesRange);
            List<V> page = inTimeOrder(map.values(
                    Predicates.pagingPredicate(query, new TimeOrdered.EntryOrder<V>(), limit)));
            if (page.size() == limit || unbounded) {
                LOG.debug("a page of {} after {}: {} queries, the last over {}", page.size(), from, queries,
                        unbounded ? "all after it" : span);
                learnDensity(page);
                return page;
            }
            span *= 4;
        }
    }

    /** The time of every entry of the list, sorted: one number each, what the windows of the whole list follow. */
    public long[] times() {
        ensureIndexed();
        var time = Projections.<Map.Entry<String, V>, Long>singleAttribute(timeAttribute);
        Collection<Long> times = scope == null ? map.project(time) : map.project(time, scope);
        return times.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /**
     * The entries with the given times, in time order, read a window at a time as the iterator is walked. A window
     * that comes back with fewer entries than its times throws {@link ClusterUnavailableException}: the list would
     * otherwise pass for a shorter one. Entries added after the times were read are left out.
     */
    public Iterator<V> read(long[] times) {
        return new WindowedRead(times);
    }

    /** The conditions and the scope, in one flat conjunction: the index then reads the scope and the range at once. */
    @SafeVarargs
    private Predicate<String, V> within(Predicate<String, V>... conditions) {
        if (scope == null) {
            return conditions.length == 1 ? conditions[0] : Predicates.and(conditions);
        }
        Predicate<?, ?>[] all = new Predicate<?, ?>[conditions.length + 1];
        all[0] = scope;
        System.arraycopy(conditions, 0, all, 1, conditions.length);
        return Predicates.and(all);
    }

    /** The earliest time in the list, null when it is empty: where its first page starts. */
    private Long earliest() {
        var min = Aggregators.<Map.Entry<String, V>, Long>comparableMin(timeAttribute);
        return scope == null ? map.aggregate(min) : map.aggregate(min, scope);
    }

    private long firstSpan(long toPresent, int limit) {
        double perEntry = timePerEntry;
        // Before any page was read, a thousandth of the way to the present: five widenings reach it.
        long guess = perEntry < 0 ? toPresent / 1024 : (long) Math.ceil(2 * perEntry * limit);
        return Math.max(1, guess);
    }

    private void learnDensity(List<V> page) {
        if (page.size() > 1) {
            timePerEntry = (double) (page.get(page.size() - 1).listedAt() - page.get(0).listedAt()) / (page.size() - 1);
        }
    }

    private List<V> inTimeOrder(Collection<V> found) {
        List<V> ordered = new ArrayList<>(found);
        ordered.sort(TimeOrdered.ORDER);
        return ordered;
    }

    private void ensureIndexed() {
        if (!indexed) {
            map.addIndex(index);
            indexed = true;
        }
    }

    private final class WindowedRead implements Iterator<V> {

        private final long[] times;
        /** How many of the times the windows read so far. */
        private int read;
        private List<V> current = List.of();
        private int position;

        WindowedRead(long[] times) {
            this.times = times;
        }

        @Override
        public boolean hasNext() {
            return position < current.size() || read < times.length;
        }

        @Override
        public V next() {
            if (position == current.size()) {
                if (read == times.length) {
                    throw new NoSuchElementException();
                }
                readNextWindow();
            }
            return current.get(position++);
        }

        /** The next window: its times' range, widened to every entry that shares the last time. */
        private void readNextWindow() {
            int end = Math.min(read + window, times.length);
            while (end < times.length && times[end] == times[end - 1]) {
                end++;
            }
            int from = read;
            int to = end;
            // An entry that landed after the times were read is left out even when its time falls in the range (a
            // write held up until after its replacement landed has an earlier time): the list is the map as of then.
            List<V> found = map.values(within(Predicates.between(timeAttribute, times[read], times[end - 1])))
                    .stream().filter(entry -> Arrays.binarySearch(times, from, to, entry.listedAt()) >= 0).toList();
            if (found.size() < end - read) {
                LOG.warn("a window of the list returned {} entries, {} were there before: the answer is broken off",
                        found.size(), end - read);
                throw new ClusterUnavailableException("the list came back incomplete while the cluster rebalances");
            }
            LOG.debug("read a window of {} entries, {} of {} read", found.size(), end, times.length);
            current = inTimeOrder(found);
            position = 0;
            read = end;
        }
    }
}
