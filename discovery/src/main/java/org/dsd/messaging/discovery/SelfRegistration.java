package org.dsd.messaging.discovery;

import java.net.URI;
import java.net.UnknownHostException;
import java.util.UUID;

import com.hazelcast.core.HazelcastInstance;
import org.dsd.messaging.cluster.HazelcastProperties;
import org.dsd.messaging.cluster.QuorumGuard;
import org.dsd.messaging.http.ServerHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * This instance's entry in the {@link ServiceRegistry}: made as soon as it is ready, renewed by the
 * {@code discovery-register} route while it is ready and on the majority side, removed when it shuts down. An
 * instance that dies without a word (kill -9, frozen) stops renewing, and its entry expires.
 */
@Component
@ConditionalOnExpression(SelfRegistration.ENABLED)
@EnableConfigurationProperties(DiscoveryProperties.class)
public class SelfRegistration {

    /** Registry discovery, in an app that names its service. */
    static final String ENABLED =
            "'${app.discovery:registry}'.toLowerCase() != 'static' && '${app.registry.service-name:}' != ''";

    private static final Logger LOG = LoggerFactory.getLogger(SelfRegistration.class);

    private final ServiceRegistry registry;
    private final HazelcastInstance hazelcast;
    /** It embeds a cluster member (its registration names it), or joins as a client. */
    private final boolean embedsMember;
    private final DiscoveryProperties.Registry properties;
    private final QuorumGuard quorum;
    private final ApplicationAvailability availability;
    private final String serverAddress;
    private volatile String url;
    private volatile boolean closing;

    public SelfRegistration(HazelcastInstance hazelcast, HazelcastProperties hazelcastProperties,
                            DiscoveryProperties discovery, QuorumGuard quorum, ApplicationAvailability availability,
                            @Value("${server.address:}") String serverAddress) {
        this.properties = discovery.registry();
        this.registry = new ServiceRegistry(hazelcast, properties.mapName());
        this.hazelcast = hazelcast;
        this.embedsMember = hazelcastProperties.mode() != HazelcastProperties.Mode.CLIENT;
        this.quorum = quorum;
        this.availability = availability;
        this.serverAddress = serverAddress;
        if (properties.advertisedUrl() != null && !properties.advertisedUrl().isBlank()) {
            this.url = checked(properties.advertisedUrl());
        }
    }

    /** The port is known once the server listens (it may have been picked at random). */
    @EventListener
    public void onServerStarted(WebServerInitializedEvent event) throws UnknownHostException {
        // The management server has a namespace of its own; the business server has none.
        if (url == null && event.getApplicationContext().getServerNamespace() == null) {
            url = "http://" + ServerHost.of(serverAddress) + ":" + event.getWebServer().getPort();
        }
    }

    /** Registers at once when the app becomes ready, instead of at the next renewal. */
    @EventListener
    public void onReadiness(AvailabilityChangeEvent<ReadinessState> event) {
        if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC && canServe()) {
            try {
                register();
            } catch (RuntimeException e) {
                LOG.warn("could not register {} yet, the next renewal tries again: {}", url, e.toString());
            }
        }
    }

    public boolean canServe() {
        return url != null && !closing
                && availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC && quorum.present();
    }

    public void register() {
        registry.register(properties.serviceName(), url, ownMember(), properties.ttl().toMillis());
    }

    /** This instance's cluster member, read each time: a member that merged back after a split has a new uuid. */
    private UUID ownMember() {
        return embedsMember ? hazelcast.getCluster().getLocalMember().getUuid() : null;
    }

    /** Before the server and the routes stop: the facade stops picking this instance while it finishes its work. */
    @EventListener(ContextClosedEvent.class)
    public void deregister() {
        closing = true;
        if (url != null) {
            try {
                registry.deregister(url);
                LOG.info("deregistered {} from {}", url, properties.serviceName());
            } catch (RuntimeException e) {
                LOG.warn("could not deregister {}; its entry expires within {}: {}", url, properties.ttl(),
                        e.toString());
            }
        }
    }

    private static String checked(String url) {
        URI uri = URI.create(url.replaceAll("/+$", ""));
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("app.registry.advertised-url must be an http(s) URL: " + url);
        }
        return uri.toString();
    }
}
