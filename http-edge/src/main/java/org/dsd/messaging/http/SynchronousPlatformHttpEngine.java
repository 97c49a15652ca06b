package org.dsd.messaging.http;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.apache.camel.util.ObjectHelper;
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

        /**
         * What Camel's consumer runs on its executor, run here; its failure handling is the same, but for an answer
         * that broke off after it began: that one is thrown to the container, which closes the connection (Tomcat's
         * error report valve does so for a committed answer), so that the client sees it broken.
         */
        @Override
        public CompletableFuture<Void> service(HttpServletRequest request, HttpServletResponse response) {
            try {
                handleService(request, new OutputClosedByContainer(response));
            } catch (AnswerBrokenOff e) {
                throw e;
            } catch (Exception e) {
                LOG.warn("Error handling request due to: {}", e.getMessage(), e);
                if (!response.isCommitted()) {
                    sendServerError(response);
                }
            }
            return null;
        }

        /**
         * Camel's consumer logs a failure to write the answer and returns (it keeps it on the exchange with the
         * endpoint's {@code handleWriteResponseError}), and the container would then end a list cut off by an
         * {@link JsonArrayStream.UnreadableList} as if it were whole.
         */
        @Override
        protected void afterProcess(HttpServletResponse response, Exchange exchange) throws Exception {
            super.afterProcess(response, exchange);
            Exception failure = exchange.getException();
            if (response.isCommitted() && failure != null
                    && ObjectHelper.getException(JsonArrayStream.UnreadableList.class, failure) != null) {
                throw new AnswerBrokenOff(failure);
            }
        }

        private static void sendServerError(HttpServletResponse response) {
            try {
                response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            } catch (Exception e) {
                LOG.debug("could not answer 500: {}", e.toString());
            }
        }
    }

    /**
     * The answer as Camel's binding sees it: closing its body only flushes it. The container ends the answer once
     * the route is done, with the last chunk of a chunked one, unless the route broke it off ({@link AnswerBrokenOff}).
     */
    static final class OutputClosedByContainer extends HttpServletResponseWrapper {

        OutputClosedByContainer(HttpServletResponse response) {
            super(response);
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            ServletOutputStream body = super.getOutputStream();
            return new ServletOutputStream() {
                @Override
                public void write(int b) throws IOException {
                    body.write(b);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    body.write(bytes, offset, length);
                }

                @Override
                public void flush() throws IOException {
                    body.flush();
                }

                @Override
                public void close() throws IOException {
                    body.flush();
                }

                @Override
                public boolean isReady() {
                    return body.isReady();
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    body.setWriteListener(listener);
                }
            };
        }
    }

    /** An answer that could not be written whole after its status and first bytes went out. */
    static final class AnswerBrokenOff extends RuntimeException {
        AnswerBrokenOff(Throwable cause) {
            super("the answer broke off: " + cause.getMessage(), cause);
        }
    }
}
