package org.dsd.messaging.facade;

import java.util.concurrent.ThreadLocalRandom;

import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.processor.loadbalancer.LoadBalancerSupport;
import org.apache.camel.support.ExchangeHelper;
import org.dsd.messaging.common.ServiceUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Load balancer that starts at a random instance and, when it fails (refused, timed out, 5xx), walks on to
 * the next one until one answers: Camel's own balancers are either random or failover, never both. Each
 * attempt works on a copy of the exchange, so a failed call leaves nothing behind for the next. When every
 * instance failed, the exchange fails with {@link ServiceUnavailableException}.
 */
public class RandomFailoverLoadBalancer extends LoadBalancerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RandomFailoverLoadBalancer.class);

    private final String serviceName;

    public RandomFailoverLoadBalancer(String serviceName) {
        this.serviceName = serviceName;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        AsyncProcessor[] instances = doGetProcessors();
        int first = ThreadLocalRandom.current().nextInt(instances.length);
        Throwable lastFailure = null;
        for (int i = 0; i < instances.length && isRunAllowed(); i++) {
            AsyncProcessor instance = instances[(first + i) % instances.length];
            Exchange attempt = ExchangeHelper.createCopy(exchange, true);
            try {
                instance.process(attempt);
            } catch (Exception e) {
                attempt.setException(e);
            }
            if (attempt.getException() == null) {
                ExchangeHelper.copyResults(exchange, attempt);
                callback.done(true);
                return true;
            }
            lastFailure = attempt.getException();
            LOG.warn("{} instance {} failed, trying the next: {}", serviceName, instance, lastFailure.toString());
        }
        exchange.setException(new ServiceUnavailableException(serviceName + " unavailable: no instance answered",
                lastFailure));
        callback.done(true);
        return true;
    }
}
