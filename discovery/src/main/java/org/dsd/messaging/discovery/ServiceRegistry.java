package org.dsd.messaging.discovery;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

/**
 * The live instances of each service: a cluster map from an instance's base URL to its service name, each entry
 * with a time to live. Like the messages, it is backed up on another member and refused on the minority side of a
 * split, so it survives the loss of any one member and an island cannot register into it.
 *
 * <p>An instance that embeds a cluster member registers that member's uuid with it ({@code service@uuid}), and the
 * view leaves it out as soon as the cluster has dropped the member. A frozen instance then leaves the view when the
 * cluster suspects it (about 8 s) instead of when its entry expires; until then a call to it waits out the
 * facade's response timeout.
 */
public class ServiceRegistry {

    private static final String MEMBER_SEPARATOR = "@";

    private final IMap<String, String> instances;

    public ServiceRegistry(HazelcastInstance hazelcast, String mapName) {
        this.instances = hazelcast.getMap(mapName);
    }

    /**
     * Registers the instance, or renews its registration, for {@code ttlMillis} from now; {@code member} is the
     * uuid of its own cluster member, or null for one that joins as a client.
     */
    public void register(String service, String url, UUID member, long ttlMillis) {
        String value = member == null ? service : service + MEMBER_SEPARATOR + member;
        instances.set(url, value, ttlMillis, TimeUnit.MILLISECONDS);
    }

    public void deregister(String url) {
        instances.delete(url);
    }

    /**
     * Every service's instance URLs, sorted; one bulk read. An instance whose cluster member has left
     * ({@code departed}) is left out, as is one whose member part is no uuid (an entry written by hand).
     */
    public Map<String, List<String>> byService(Set<UUID> departed) {
        return instances.entrySet().stream()
                .filter(entry -> !memberLeft(entry.getValue(), departed))
                .collect(Collectors.groupingBy(entry -> serviceOf(entry.getValue()), TreeMap::new,
                        Collectors.mapping(Map.Entry::getKey, Collectors.collectingAndThen(Collectors.toList(),
                                urls -> urls.stream().sorted().toList()))));
    }

    private static String serviceOf(String value) {
        int separator = value.indexOf(MEMBER_SEPARATOR);
        return separator < 0 ? value : value.substring(0, separator);
    }

    private static boolean memberLeft(String value, Set<UUID> departed) {
        int separator = value.indexOf(MEMBER_SEPARATOR);
        if (separator < 0) {
            return false;
        }
        try {
            return departed.contains(UUID.fromString(value.substring(separator + 1)));
        } catch (IllegalArgumentException noUuid) {
            return true;
        }
    }
}
