package org.dsd.messaging.discovery;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

/**
 * The live instances of each service: a cluster map from an instance's base URL to its service name, each entry
 * with a time to live. Like the messages, it is backed up on another member and refused on the minority side of a
 * split, so it survives the loss of any one member and an island cannot register into it.
 */
public class ServiceRegistry {

    private final IMap<String, String> instances;

    public ServiceRegistry(HazelcastInstance hazelcast, String mapName) {
        this.instances = hazelcast.getMap(mapName);
    }

    /** Registers the instance, or renews its registration, for {@code ttlMillis} from now. */
    public void register(String service, String url, long ttlMillis) {
        instances.set(url, service, ttlMillis, TimeUnit.MILLISECONDS);
    }

    public void deregister(String url) {
        instances.delete(url);
    }

    /** Every service's instance URLs, sorted; one bulk read. */
    public Map<String, List<String>> byService() {
        return instances.entrySet().stream().collect(Collectors.groupingBy(Map.Entry::getValue, TreeMap::new,
                Collectors.mapping(Map.Entry::getKey, Collectors.collectingAndThen(Collectors.toList(),
                        urls -> urls.stream().sorted().toList()))));
    }
}
