package org.dsd.messaging.facade;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;
import org.apache.camel.processor.loadbalancer.LoadBalancerSupport;
import org.apache.camel.spi.HttpResponseAware;
import org.apache.camel.support.ExchangeHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Load balancer over the live instances of a service ({@link ServiceDirectory}): it starts at a random instance
 * and, when that fails (refused, timed out, 5xx), walks on to the next until one answers; Camel's own balancers are
 * either random or failover, never both, and over a fixed list. Each attempt is a copy of the exchange carrying the
 * instance's base URL in {@link #INSTANCE_URL}, for the one dynamic endpoint the balancer wraps. When the
 * {@link Attempts} are used up, the exchange fails with {@link ServiceUnavailableException}.
 *
 * <p>The calls it balances are safe to repeat (a read, or a POST idempotent by uuid), so the attempts run beside the
 * caller and are hedged: one that has not answered within {@link Attempts#hedgeAfter()} gets a second one on the
 * next instance, and the first to succeed wins ("The Tail at Scale"); failed rounds over every instance are
 * repeated until {@link Attempts#max()} attempts were made or {@link Attempts#within()} has passed. So a killed or
 * frozen instance costs a call a hedge delay, not a response timeout, and the call answers within its deadline
 * whatever the instances do.
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

    /**
     * How one call uses the instances.
     *
     * @param max        attempts at most, hedges included
     * @param within     how long the attempts may take in all before the call fails
     * @param hedgeAfter an attempt unanswered for this long gets another one beside it on the next instance
     */
    public record Attempts(int max, Duration within, Duration hedgeAfter) {

        /** Hedged after {@code hedgeAfter}, over and over until {@code within} has passed. */
        public static Attempts hedged(Duration within, Duration hedgeAfter) {
            return new Attempts(Integer.MAX_VALUE, within, hedgeAfter);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(RandomFailoverLoadBalancer.class);
    /** The pause before an instance is tried again by the same hedged call. */
    private static final long ROUND_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String serviceName;
    private final Supplier<List<String>> instances;
    private final Attempts attempts;
    private final long backoffNanos;
    private final long maxBackoffNanos;
    private final long stalledAfterNanos;
    private final Map<String, Calls> callsByInstance = new ConcurrentHashMap<>();
    private ExecutorService hedgedAttempts;

    public RandomFailoverLoadBalancer(String serviceName, Supplier<List<String>> instances, Attempts attempts,
                                      Duration backoff, Duration maxBackoff, Duration stalledAfter) {
        this.serviceName = serviceName;
        this.instances = instances;
        this.attempts = attempts;
        this.backoffNanos = backoff.toNanos();
        this.maxBackoffNanos = maxBackoff.toNanos();
        this.stalledAfterNanos = stalledAfter.toNanos();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        hedgedAttempts = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, serviceName + "-attempt");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    protected void doStop() throws Exception {
        hedgedAttempts.shutdownNow();
        super.doStop();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        List<String> urls = order(instances.get());
        Throwable failure = urls.isEmpty() ? null : hedged(exchange, urls);
        if (urls.isEmpty() || failure != null) {
            exchange.setException(new ServiceUnavailableException(serviceName + " unavailable: "
                    + (urls.isEmpty() ? "no instance registered" : "no instance answered"), failure));
        }
        callback.done(true);
        return true;
    }

    /**
     * Attempts beside the caller, hedged and repeated until the deadline; null once one succeeded (its results are
     * the exchange's), else the last failure. Attempts still under way then finish unseen.
     */
    private Throwable hedged(Exchange exchange, List<String> urls) {
        long deadline = System.nanoTime() + attempts.within().toNanos();
        BlockingQueue<Answered> answered = new LinkedBlockingQueue<>();
        Set<Integer> underWay = new HashSet<>();
        Throwable lastFailure = new TimeoutException("no answer within " + attempts.within());
        int started = 0;
        int next = 0;
        int failed = 0;
        long hedgeAt = 0;
        while (isRunAllowed()) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                return lastFailure;
            }
            boolean mayStart = started < attempts.max() && underWay.size() < urls.size();
            if (!mayStart && underWay.isEmpty()) {
                return lastFailure;
            }
            if (mayStart && (underWay.isEmpty() || now - hedgeAt >= 0)) {
                if (underWay.isEmpty() && failed > 0 && failed % urls.size() == 0) {
                    // Every instance failed once more: a short pause before the next round, which asks the registry
                    // again (an instance restarted since the request came may be the one that answers).
                    LockSupport.parkNanos(Math.min(ROUND_PAUSE_NANOS, deadline - now));
                    List<String> registered = order(instances.get());
                    if (!registered.isEmpty()) {
                        urls = registered;
                        next = 0;
                        failed = 0;
                    }
                }
                while (underWay.contains(next % urls.size())) {
                    next++;
                }
                int instance = next++ % urls.size();
                started++;
                underWay.add(instance);
                String url = urls.get(instance);
                hedgedAttempts.execute(() -> answered.add(new Answered(instance, attempt(exchange, url))));
                hedgeAt = System.nanoTime() + attempts.hedgeAfter().toNanos();
                continue;
            }
            Answered answer;
            try {
                answer = answered.poll((mayStart ? Math.min(deadline, hedgeAt) : deadline) - now, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return e;
            }
            if (answer == null) {
                continue;
            }
            underWay.remove(answer.instance());
            if (answer.attempt().getException() == null) {
                ExchangeHelper.copyResults(exchange, answer.attempt());
                return null;
            }
            lastFailure = answer.attempt().getException();
            failed++;
            // The next instance at once; while others are still under way, not before a pause (the one left may be
            // the one that just failed, and refuses at once).
            hedgeAt = System.nanoTime() + (underWay.isEmpty() ? 0 : ROUND_PAUSE_NANOS);
        }
        return lastFailure;
    }

    /** A finished attempt of a hedged call, on the instance at this index of the call's order. */
    private record Answered(int instance, Exchange attempt) {
    }

    /** One call to the instance at {@code url}, on a copy of the exchange that holds its outcome. */
    private Exchange attempt(Exchange exchange, String url) {
        Calls calls = calls(url);
        Exchange attempt = ExchangeHelper.createCopy(exchange, true);
        attempt.setProperty(INSTANCE_URL, url);
        calls.started();
        try {
            if (attempt.getIn().getBody() instanceof StreamCache body) {
                // Attempts run at once: each reads a stream of its own (marshal leaves one), as Camel's multicast does.
                attempt.getIn().setBody(body.copy(attempt));
            }
            doGetProcessors()[0].process(attempt);
        } catch (Exception e) {
            attempt.setException(e);
        } finally {
            calls.ended(attempt.getException(), backoffNanos, maxBackoffNanos);
        }
        if (attempt.getException() != null) {
            LOG.warn("{} instance {} failed, trying the next: {}", serviceName, url, attempt.getException().toString());
        }
        return attempt;
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
