package org.dsd.messaging.facade;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.util.ObjectHelper;
import org.dsd.messaging.model.UserMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Hands a logged message to the {@code queue-offer} route and waits for it at most
 * {@code app.facade.queue-offer-wait}. The logging map, not the queue, is the record of what must reach a consumer
 * (the redelivery queues again whatever was logged and never consumed), so an offer still under way, or one that
 * failed for good, does not hold back the acknowledgement: only a full queue is refused, to push back on clients.
 * Once an offer outlasted the wait (the queue's member is frozen), the next ones are not waited for until one
 * succeeds: a frozen queue then costs a POST nothing. At most {@code app.facade.queue-offers-under-way} offers are
 * under way: past that a POST makes none, since the template's pool would otherwise run the next offer on the
 * request's own thread, held as long as the broker hangs.
 */
@Component
public class QueueHandOff {

    /** Exchange property of an offer: until when (System.nanoTime) a failed offer is tried again. */
    public static final String RETRY_UNTIL = "queueOfferRetryUntil";
    private static final String QUEUE_FULL = "Queue is full!";

    private static final Logger LOG = LoggerFactory.getLogger(QueueHandOff.class);

    private final ProducerTemplate producer;
    private final long waitMillis;
    private final long retryNanos;
    /** An offer outlasted the wait, and none has succeeded since. */
    private volatile boolean heldUp;
    private final Semaphore offersUnderWay;

    public QueueHandOff(ProducerTemplate producer, FacadeProperties properties) {
        this.producer = producer;
        this.waitMillis = properties.queueOfferWait().toMillis();
        this.retryNanos = properties.postDeadline().toNanos();
        this.offersUnderWay = new Semaphore(properties.queueOffersUnderWay());
    }

    /**
     * Offers the message; 503 if the queue is full, otherwise returns once it is queued or the wait is over. While an
     * earlier offer is held up (the queue's member is frozen), the next ones are not waited for at all.
     */
    public void offer(@Body UserMessage message) throws InterruptedException {
        if (!offersUnderWay.tryAcquire()) {
            // Only once offers outlasted the wait, which was logged then.
            LOG.debug("queue offers at their limit: {} acknowledged as logged, the redelivery queues it",
                    message.uuid());
            return;
        }
        CompletableFuture<Exchange> offered = producer.asyncSend("direct:queue-offer", exchange -> {
            exchange.getIn().setBody(message);
            exchange.setProperty(RETRY_UNTIL, System.nanoTime() + retryNanos);
        });
        offered.whenComplete((done, failed) -> {
            offersUnderWay.release();
            if (done != null && done.getException() == null) {
                heldUp = false;
            }
        });
        Throwable failure;
        try {
            failure = offered.get(heldUp ? 0 : waitMillis, TimeUnit.MILLISECONDS).getException();
        } catch (TimeoutException stillUnderWay) {
            if (!heldUp) {
                heldUp = true;
                LOG.warn("queue offer of {} still under way after {} ms: acknowledged as logged, and so are the next "
                        + "ones until an offer succeeds", message.uuid(), waitMillis);
            }
            return;
        } catch (ExecutionException e) {
            failure = e.getCause();
        }
        if (isQueueFull(failure)) {
            throw new ServiceUnavailableException("queue is full: message logged, not queued");
        }
        if (failure != null) {
            LOG.warn("queue offer of {} failed: acknowledged as logged, the redelivery queues it: {}", message.uuid(),
                    failure.toString());
        }
    }

    /** Whether a failed offer is tried again: until its retry time is over, and never into a full queue. */
    public boolean mayRetry(@ExchangeProperty(RETRY_UNTIL) long retryUntil, Exchange exchange) {
        Exception failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        return System.nanoTime() - retryUntil < 0 && !isQueueFull(failure);
    }

    /** A full Hazelcast queue fails the add at once with this exception: refused, never blocked on. */
    private static boolean isQueueFull(Throwable failure) {
        IllegalStateException refused = ObjectHelper.getException(IllegalStateException.class, failure);
        return refused != null && QUEUE_FULL.equals(refused.getMessage());
    }
}
