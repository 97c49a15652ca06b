package org.dsd.messaging.facade;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipAdapter;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.HazelcastInstance;
import org.dsd.messaging.discovery.DiscoveryProperties;
import org.dsd.messaging.discovery.ServiceRegistry;
import org.dsd.messaging.http.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The instances the facade's load balancers pick from, by service name. With registry discovery, the
 * {@code discovery-view} route copies the registry here every {@code app.registry.view-refresh}, so a request reads
 * memory, never the cluster; with static discovery it holds {@code app.facade.*-urls}.
 */
@Component
@EnableConfigurationProperties({DiscoveryProperties.class, FacadeProperties.class})
public class ServiceDirectory implements ApplicationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceDirectory.class);

    public static final String LOGGING = "logging-service";
    public static final String MESSAGES = "messages-service";

    private final ServiceRegistry registry;
    private final HazelcastInstance hazelcast;
    private final boolean fromRegistry;
    /** When each cluster member this facade saw leave left; kept while a registration of it may live on. */
    private final Map<UUID, Long> departedAt = new ConcurrentHashMap<>();
    private final long registrationTtlNanos;
    private volatile Map<String, List<String>> instances;

    public ServiceDirectory(DiscoveryProperties discovery, FacadeProperties services, HazelcastInstance hazelcast) {
        this.registry = new ServiceRegistry(hazelcast, discovery.registry().mapName());
        this.hazelcast = hazelcast;
        this.registrationTtlNanos = discovery.registry().ttl().toNanos();
        this.fromRegistry = discovery.discovery() == DiscoveryProperties.Discovery.REGISTRY;
        this.instances = withServicesUsed(fromRegistry ? Map.of()
                : Map.of(LOGGING, baseUrls(services.loggingUrls()), MESSAGES, baseUrls(services.messagesUrls())));
        if (fromRegistry) {
            watchDepartures(hazelcast);
        }
    }

    /** The live instances of a service the facade calls; empty while none is registered. */
    public List<String> instances(String service) {
        return instances.getOrDefault(service, List.of());
    }

    /** Every instance of a service the facade calls or one registered; 404 for any other name. */
    public List<String> require(String service) {
        List<String> found = instances.get(service);
        if (found == null) {
            throw new ApiError(404, "unknown service '" + service + "'; known: "
                    + String.join(", ", instances.keySet()));
        }
        return found;
    }

    /**
     * With registry discovery, takes a first view before the facade says it is ready: a facade restarted while a
     * frozen member holds the registry's partition would otherwise answer 503 for want of instances until the
     * cluster drops that member.
     */
    @Override
    public void run(ApplicationArguments args) throws InterruptedException {
        while (fromRegistry) {
            try {
                refresh();
                return;
            } catch (RuntimeException notYet) {
                LOG.warn("registry not read yet, not ready: {}", notYet.toString());
                Thread.sleep(500);
            }
        }
    }

    /**
     * Takes the registry's current view, without the instances whose cluster member this facade saw leave and the
     * cluster does not list now. A member it does not know yet stays in: after this facade stood still (frozen, cut
     * off), its member list is out of date until the cluster sends the next one, and the instances restarted
     * meanwhile are registered with new members. A member listed again stays in too: it came back with its uuid (the
     * side it was on won the merge after a split, or the news of its leaving came from a member that stood still).
     */
    public void refresh() {
        // A departed member's registration, renewed at the latest as it left, expires one time to live later; the
        // departure is kept twice that long, as its news may reach this facade late.
        long now = System.nanoTime();
        departedAt.values().removeIf(leftAt -> now - leftAt > 2 * registrationTtlNanos);
        Set<UUID> listed = hazelcast.getCluster().getMembers().stream().map(Member::getUuid).collect(Collectors.toSet());
        Set<UUID> departed = departedAt.keySet().stream().filter(member -> !listed.contains(member))
                .collect(Collectors.toSet());
        instances = withServicesUsed(registry.byService(departed));
    }

    private void watchDepartures(HazelcastInstance hazelcast) {
        hazelcast.getCluster().addMembershipListener(new MembershipAdapter() {
            @Override
            public void memberRemoved(MembershipEvent event) {
                departedAt.put(event.getMember().getUuid(), System.nanoTime());
            }
        });
    }

    /** The services the facade calls are known even while none of their instances is registered. */
    private static Map<String, List<String>> withServicesUsed(Map<String, List<String>> found) {
        Map<String, List<String>> all = new TreeMap<>(found);
        all.putIfAbsent(LOGGING, List.of());
        all.putIfAbsent(MESSAGES, List.of());
        return all;
    }

    private static List<String> baseUrls(List<String> urls) {
        return urls.stream().map(url -> url.replaceAll("/+$", "")).toList();
    }
}
