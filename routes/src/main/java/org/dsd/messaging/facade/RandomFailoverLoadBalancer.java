package org.dsd.messaging.facade;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.processor.loadbalancer.LoadBalancerSupport;
import org.apache.camel.spi.HttpResponseAware;
import org.apache.camel.support.ExchangeHelper;
import org.dsd.messaging.common.ServiceUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Load balancer over the live instances of a service ({@link ServiceDirectory}): it starts at a random instance
 * and, when that fails (refused, timed out, 5xx), walks on to the next until one answers; Camel's own balancers are
 * either random or failover, never both, and over a fixed list. Each attempt is a copy of the exchange carrying the
 * instance's base URL in {@link #INSTANCE_URL}, for the one dynamic endpoint the balancer wraps. When every instance
 * tried failed, the exchange fails with {@link ServiceUnavailableException}.
 *
 * <p>A circuit breaker per instance keeps requests away from one that fails: it goes last for {@code backoff},
 * doubled on each further failure up to {@code maxBackoff}, until a call to it succeeds. An instance that gave no
 * answer at all (refused, or timed out) is left out for that time instead, unless no other instance is left: a
 * frozen one accepts connections and answers nothing, so a request that reaches it waits out the response timeout,
 * which an error answer from another instance (a 503 while the cluster drops the frozen member) never costs. An
 * instance with calls under way that answered none for {@code stalledAfter} is left out the same way before any of
 * those calls has timed out.
 */
public class RandomFailoverLoadBalancer extends LoadBalancerSupport {

    /** The exchange property that holds the base URL of the instance an attempt calls. */
    public static final String INSTANCE_URL = "instanceUrl";

    private static final Logger LOG = LoggerFactory.getLogger(RandomFailoverLoadBalancer.class);

    private final String serviceName;
    private final Supplier<List<String>> instances;
    private final int maxAttempts;
    private final long backoffNanos;
    private final long maxBackoffNanos;
    private final long stalledAfterNanos;
    private final Map<String, Calls> callsByInstance = new ConcurrentHashMap<>();

    public RandomFailoverLoadBalancer(String serviceName, Supplier<List<String>> instances, int maxAttempts,
                                      Duration backoff, Duration maxBackoff, Duration stalledAfter) {
        this.serviceName = serviceName;
        this.instances = instances;
        this.maxAttempts = maxAttempts;
        this.backoffNanos = backoff.toNanos();
        this.maxBackoffNanos = maxBackoff.toNanos();
        this.stalledAfterNanos = stalledAfter.toNanos();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        AsyncProcessor endpoint = doGetProcessors()[0];
        List<String> urls = order(instances.get());
        Throwable lastFailure = null;
        for (String url : urls.subList(0, Math.min(maxAttempts, urls.size()))) {
            if (!isRunAllowed()) {
                break;
            }
            Calls calls = calls(url);
            Exchange attempt = ExchangeHelper.createCopy(exchange, true);
            attempt.setProperty(INSTANCE_URL, url);
            calls.started();
            try {
                endpoint.process(attempt);
            } catch (Exception e) {
                attempt.setException(e);
            } finally {
                calls.ended(attempt.getException(), backoffNanos, maxBackoffNanos);
            }
            if (attempt.getException() == null) {
                ExchangeHelper.copyResults(exchange, attempt);
                callback.done(true);
                return true;
            }
            lastFailure = attempt.getException();
            LOG.warn("{} instance {} failed, trying the next: {}", serviceName, url, lastFailure.toString());
        }
        exchange.setException(new ServiceUnavailableException(serviceName + " unavailable: "
                + (urls.isEmpty() ? "no instance registered" : "no instance answered"), lastFailure));
        callback.done(true);
        return true;
    }

    private Calls calls(String url) {
        return callsByInstance.computeIfAbsent(url, u -> new Calls());
    }

    /**
     * The instances from a random one on: those that failed recently after the others, and those that gave no answer
     * (a dead or frozen one) only when no other is left.
     */
    private List<String> order(List<String> urls) {
        int count = urls.size();
        int first = count == 0 ? 0 : ThreadLocalRandom.current().nextInt(count);
        long now = System.nanoTime();
        List<String> order = new ArrayList<>(count);
        List<String> failedRecently = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String url = urls.get((first + i) % count);
            Calls calls = calls(url);
            (calls.silent(now, stalledAfterNanos) ? silent : calls.failedRecently(now) ? failedRecently : order)
                    .add(url);
        }
        order.addAll(failedRecently);
        return order.isEmpty() ? silent : order;
    }

    /** The calls to one instance: how many are under way, when it last answered, its breaker. */
    private static final class Calls {

        private final AtomicInteger underWay = new AtomicInteger();
        private final AtomicInteger failuresInARow = new AtomicInteger();
        /** When a call to it was last answered (an error status too), or started while none was under way. */
        private volatile long lastAnswer = System.nanoTime();
        /** The breaker is open (it goes last, or is left out when silent) until then. */
        private volatile long openUntil = lastAnswer;
        /** The last call that ended got no answer: refused, or timed out. */
        private volatile boolean lastCallUnanswered;

        void started() {
            if (underWay.getAndIncrement() == 0) {
                lastAnswer = System.nanoTime();
            }
        }

        void ended(Throwable failure, long backoffNanos, long maxBackoffNanos) {
            long now = System.nanoTime();
            // A status outside the accepted range is still an answer: the instance is alive.
            lastCallUnanswered = failure != null && !(failure instanceof HttpResponseAware);
            if (!lastCallUnanswered) {
                lastAnswer = now;
            }
            if (failure == null) {
                failuresInARow.set(0);
                openUntil = now;
            } else {
                int doublings = Math.min(failuresInARow.getAndIncrement(), 16);
                openUntil = now + Math.min(backoffNanos << doublings, maxBackoffNanos);
            }
            underWay.decrementAndGet();
        }

        boolean failedRecently(long now) {
            return openUntil - now > 0;
        }

        boolean silent(long now, long stalledAfterNanos) {
            return lastCallUnanswered && failedRecently(now)
                    || underWay.get() > 0 && now - lastAnswer > stalledAfterNanos;
        }
    }
}
