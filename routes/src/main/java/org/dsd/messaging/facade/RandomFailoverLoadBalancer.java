package org.dsd.messaging.facade;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

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
 * <p>A frozen instance accepts connections and answers nothing, so each request that picks it first waits out the
 * whole response timeout. Two rules keep requests away from it: an instance that failed is tried last for a while
 * ({@code backoff}), and so is one that has calls under way and has answered none for {@code stalledAfter}, which
 * it shows long before the first of those calls times out (the freeze test saw all four clients' requests wait
 * on a frozen instance, one after the other, before it had failed once).
 */
public class RandomFailoverLoadBalancer extends LoadBalancerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RandomFailoverLoadBalancer.class);

    private final String serviceName;
    private final long backoffNanos;
    private final long stalledAfterNanos;
    private final Map<Integer, Calls> callsByInstance = new ConcurrentHashMap<>();

    public RandomFailoverLoadBalancer(String serviceName, Duration backoff, Duration stalledAfter) {
        this.serviceName = serviceName;
        this.backoffNanos = backoff.toNanos();
        this.stalledAfterNanos = stalledAfter.toNanos();
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
            Calls calls = calls(index);
            Exchange attempt = ExchangeHelper.createCopy(exchange, true);
            calls.started();
            try {
                instance.process(attempt);
            } catch (Exception e) {
                attempt.setException(e);
            } finally {
                calls.ended(attempt.getException() == null ? 0 : backoffNanos);
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

    private Calls calls(int index) {
        return callsByInstance.computeIfAbsent(index, i -> new Calls());
    }

    /** All instances from a random one on, those that failed recently or are stalled moved to the end. */
    private List<Integer> order(int count) {
        int first = ThreadLocalRandom.current().nextInt(count);
        long now = System.nanoTime();
        List<Integer> order = new ArrayList<>(count);
        List<Integer> last = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = (first + i) % count;
            (calls(index).avoid(now, stalledAfterNanos) ? last : order).add(index);
        }
        order.addAll(last);
        return order;
    }

    /** The calls to one instance: how many are under way, and when it last made progress. */
    private static final class Calls {

        private final AtomicInteger underWay = new AtomicInteger();
        /** When a call to it last ended, or started while none was under way. */
        private volatile long lastProgress = System.nanoTime();
        /** After a failure: until when it goes last. */
        private volatile long triedLastUntil = lastProgress;

        void started() {
            if (underWay.getAndIncrement() == 0) {
                lastProgress = System.nanoTime();
            }
        }

        void ended(long triedLastFor) {
            long now = System.nanoTime();
            lastProgress = now;
            triedLastUntil = now + triedLastFor;
            underWay.decrementAndGet();
        }

        boolean avoid(long now, long stalledAfterNanos) {
            return triedLastUntil - now > 0 || underWay.get() > 0 && now - lastProgress > stalledAfterNanos;
        }
    }
}
