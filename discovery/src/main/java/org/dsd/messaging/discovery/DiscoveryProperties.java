package org.dsd.messaging.discovery;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the facade finds the logging and messages instances.
 *
 * @param discovery registry: every logging and messages instance registers itself in the cluster and the facade
 *                  uses whatever is registered; static: the facade uses {@code app.facade.*-urls} and nothing
 *                  registers (without a cluster, and in tests)
 * @param registry  the registry's settings
 */
@ConfigurationProperties("app")
public record DiscoveryProperties(@DefaultValue("registry") Discovery discovery, @DefaultValue Registry registry) {

    public enum Discovery { REGISTRY, STATIC }

    /**
     * @param serviceName   the service this app registers under ({@code logging-service}, {@code messages-service});
     *                      none: it registers nothing (the facade)
     * @param advertisedUrl the base URL the facade calls this instance at; default {@code http://<server.address or,
     *                      if that is every address, the host name>:<port it listens on>}. Containers and several
     *                      hosts set it
     * @param mapName       the Hazelcast map of registered instances
     * @param ttl           how long a registration lasts unless refreshed: an instance killed without a word
     *                      leaves the registry after at most this long
     * @param refresh       how often an instance renews its registration while it can serve; well under {@code ttl},
     *                      so a renewal that fails once does not drop it, and short, as it is also how long an
     *                      instance that can serve again (merged back after a split, its entry expired meanwhile) may
     *                      stay out of the facade's view
     * @param viewRefresh   how often the facade reads the registry into the view its load balancers pick from
     */
    public record Registry(String serviceName,
                           String advertisedUrl,
                           @DefaultValue("service-registry") String mapName,
                           @DefaultValue("15s") Duration ttl,
                           @DefaultValue("1s") Duration refresh,
                           @DefaultValue("1s") Duration viewRefresh) {
    }
}
