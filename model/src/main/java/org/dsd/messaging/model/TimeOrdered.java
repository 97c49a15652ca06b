package org.dsd.messaging.model;

import java.io.Serializable;
import java.util.Comparator;
import java.util.Map;

/** An entry of a distributed map that lists in time order, ties broken by uuid (the cluster's TimeOrderedList). */
public interface TimeOrdered {

    /** Written out, not composed of key extractors: a list of 100,000 spent a third of its time in a composed one. */
    Comparator<TimeOrdered> ORDER = (one, other) -> {
        int byTime = Long.compare(one.listedAt(), other.listedAt());
        return byTime != 0 ? byTime : one.uuid().compareTo(other.uuid());
    };

    String uuid();

    /** The time it lists by: the value of the attribute that the map's sorted index holds. */
    long listedAt();

    /**
     * {@link #ORDER} for map entries. The members sort their part of a page with it, so it travels to them:
     * serializable, and on their class path (also in the member jar that docker/hazelcast adds to the official image).
     */
    final class EntryOrder<V extends TimeOrdered> implements Comparator<Map.Entry<String, V>>, Serializable {
        @Override
        public int compare(Map.Entry<String, V> one, Map.Entry<String, V> other) {
            return ORDER.compare(one.getValue(), other.getValue());
        }
    }
}
