package org.dsd.messaging.common;

import java.util.concurrent.CompletableFuture;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Camel's platform-http on Spring MVC, with each request routed on the servlet container's thread that received it.
 *
 * <p>Camel's Spring Boot consumer hands every request to Spring's task executor and returns a future: Spring MVC then
 * starts the servlet's async mode and, once the route is done, dispatches the request a second time through
 * Tomcat's filter chain and the DispatcherServlet. That costs two thread hand-offs and a second pass through the
 * filters per request, and the executor's eight threads capped how many requests were routed at once (the others
 * queued behind them). Here the route runs where the request arrived and the handler returns no future, which
 * Spring MVC treats as a request handled in full. Registered under the name the component looks up; Camel's own
 * engine is created only when no other one is.
 */
@Component(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME)
public class SynchronousPlatformHttpEngine extends SpringBootPlatformHttpEngine {

    public SynchronousPlatformHttpEngine(@Value("${server.port:8080}") int port) {
        super(port);
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        return new SynchronousConsumer(endpoint, processor);
    }

    static final class SynchronousConsumer extends SpringBootPlatformHttpConsumer {

        private static final Logger LOG = LoggerFactory.getLogger(SynchronousConsumer.class);

        SynchronousConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
            // The executor is never used: no request leaves the thread it came on.
            super(endpoint, processor, Runnable::run);
        }

        /** What Camel's consumer runs on its executor, run here; its failure handling is the same. */
        @Override
        public CompletableFuture<Void> service(HttpServletRequest request, HttpServletResponse response) {
            try {
                handleService(request, response);
            } catch (Exception e) {
                LOG.warn("Error handling request due to: {}", e.getMessage(), e);
                if (!response.isCommitted()) {
                    sendServerError(response);
                }
            }
            return null;
        }

        private static void sendServerError(HttpServletResponse response) {
            try {
                response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            } catch (Exception e) {
                LOG.debug("could not answer 500: {}", e.toString());
            }
        }
    }
}
