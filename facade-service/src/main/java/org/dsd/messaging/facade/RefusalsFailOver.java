package org.dsd.messaging.facade;

import org.apache.camel.Component;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * The HTTP client under Camel's http component answers a 503 (or 429) of a list request by asking the same instance
 * again after its {@code Retry-After} (our services send 1 s): a list from an instance that is starting, stopping or
 * cut off waited that second before the balancer asked the next one. Here a refusal fails the call at once, and the
 * balancer fails over; the client still repeats an idempotent request whose pooled connection the server had closed.
 */
@org.springframework.stereotype.Component
public class RefusalsFailOver implements ComponentCustomizer {

    @Override
    public boolean isEnabled(String name, Component target) {
        return target instanceof HttpComponent;
    }

    @Override
    public void configure(String name, Component target) {
        ((HttpComponent) target).setHttpClientConfigurer(client -> client.setRetryStrategy(
                new DefaultHttpRequestRetryStrategy() {
                    @Override
                    public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
                        return false;
                    }
                }));
    }
}
