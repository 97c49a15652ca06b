package org.dsd.messaging.facade;

import java.time.Duration;

import org.dsd.messaging.common.HazelcastConfigs;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The container answers a request itself once it outlives the servlet's async timeout (Tomcat: 30 s), while the
 * route goes on: a POST was told 503 and then logged and queued. So the timeout is set above the longest a
 * POST /facade can take by the route's own timeouts, and the route always writes the answer: as many logging
 * instances tried as {@code app.facade.max-attempts} allows (connect, pooled connection and response timeouts of
 * the http component each), and three cluster operations (the Idempotency-Key claimed, the message queued, the
 * key completed). A GET takes less: the two lists are fetched in parallel with the same timeouts.
 */
@Configuration
public class RouteBoundedRequestTimeout implements WebMvcConfigurer {

    private static final Duration MARGIN = Duration.ofSeconds(5);

    private final Duration timeout;

    public RouteBoundedRequestTimeout(FacadeProperties services,
                                      @Value("${camel.component.http.connect-timeout}") long connectMillis,
                                      @Value("${camel.component.http.connection-request-timeout}") long poolMillis,
                                      @Value("${camel.component.http.response-timeout}") long responseMillis) {
        Duration perLoggingInstance = Duration.ofMillis(connectMillis + poolMillis + responseMillis);
        this.timeout = perLoggingInstance.multipliedBy(services.maxAttempts())
                .plus(HazelcastConfigs.CLIENT_INVOCATION_TIMEOUT.multipliedBy(3))
                .plus(MARGIN);
    }

    @Override
    public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
        configurer.setDefaultTimeout(timeout.toMillis());
    }
}
