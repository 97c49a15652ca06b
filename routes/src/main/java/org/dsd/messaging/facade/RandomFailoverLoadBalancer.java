package org.dsd.messaging.facade;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>An instance that failed is tried last for a while ({@code backoff}): a frozen instance accepts connections
 * and answers nothing, and each request that picked it first would wait out the whole response timeout.
 */
public class RandomFailoverLoadBalancer extends LoadBalancerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RandomFailoverLoadBalancer.class);

    private final String serviceName;
    private final Duration backoff;
    /** Instance index to the time (nanos) until which it goes last. */
    private final Map<Integer, Long> triedLastUntil = new ConcurrentHashMap<>();

    public RandomFailoverLoadBalancer(String serviceName, Duration backoff) {
        this.serviceName = serviceName;
        this.backoff = backoff;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        AsyncProcessor[] instances = doGetProcessors();
        Throwable lastFailure = null;
        for (int index : order(instances.length)) {
            if (!isRunAllowed()) {
                break;
            }
            AsyncProcessor instance = instances[index];
            Exchange attempt = ExchangeHelper.createCopy(exchange, true);
            try {
                instance.process(attempt);
            } catch (Exception e) {
                attempt.setException(e);
            }
            if (attempt.getException() == null) {
                triedLastUntil.remove(index);
                ExchangeHelper.copyResults(exchange, attempt);
                callback.done(true);
                return true;
            }
            lastFailure = attempt.getException();
            triedLastUntil.put(index, System.nanoTime() + backoff.toNanos());
            LOG.warn("{} instance {} failed, trying the next: {}", serviceName, instance, lastFailure.toString());
        }
        exchange.setException(new ServiceUnavailableException(serviceName + " unavailable: no instance answered",
                lastFailure));
        callback.done(true);
        return true;
    }

    /** All instances from a random one on, those that failed within the backoff moved to the end. */
    private List<Integer> order(int count) {
        int first = ThreadLocalRandom.current().nextInt(count);
        long now = System.nanoTime();
        List<Integer> order = new ArrayList<>(count);
        List<Integer> failedRecently = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = (first + i) % count;
            Long until = triedLastUntil.get(index);
            (until != null && until - now > 0 ? failedRecently : order).add(index);
        }
        order.addAll(failedRecently);
        return order;
    }
}
