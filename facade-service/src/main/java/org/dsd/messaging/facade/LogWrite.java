package org.dsd.messaging.facade;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.dsd.messaging.model.LogEntry;
import org.dsd.messaging.model.UserMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Logs the message of a POST through {@link LogBatches} (alone, or with the next batch when group commit is on),
 * and writes it again under another uuid when the first write is held up: a frozen member holds every write to the
 * partitions it owns or backs up until the cluster drops it (seconds), whichever logging instance makes the write,
 * so hedging on another instance does not help there. After {@code app.facade.hedge-after} the facade starts
 * finding which partitions answer ({@link ResponsivePartitions}); after {@code app.facade.rekey-after}, once the
 * first write's own partition is seen held up, it writes the message under a uuid on one of them that supersedes
 * the first, and the POST answers with that one. The first write may still land later: the lists and the redelivery
 * leave out a superseded write, so the message is listed and delivered once, under the uuid the client got. Only
 * this request ever writes the first uuid (a fresh random one), so nothing else can acknowledge it. Once a
 * partition is seen held up, later messages get uuids elsewhere before their first write.
 */
@Component
public class LogWrite {

    private static final Logger LOG = LoggerFactory.getLogger(LogWrite.class);
    /** How often a held-up write looks again for a partition that answers. */
    private static final long PROBE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final LogBatches batches;
    private final ResponsivePartitions partitions;
    private final FacadeMessages messages;
    private final long probeAfterNanos;
    private final long rekeyAfterNanos;
    private final long postDeadlineNanos;

    public LogWrite(LogBatches batches, ResponsivePartitions partitions, FacadeMessages messages,
                    FacadeProperties properties) {
        this.batches = batches;
        this.partitions = partitions;
        this.messages = messages;
        this.probeAfterNanos = properties.hedgeAfter().toNanos();
        this.rekeyAfterNanos = Math.max(properties.rekeyAfter().toNanos(), probeAfterNanos);
        this.postDeadlineNanos = properties.postDeadline().toNanos();
    }

    /**
     * Logs the message; the exchange property then holds it as logged, under another uuid if it was written again.
     * A message under an {@code Idempotency-Key} is never written again: its uuid is the key's, so that every repeat
     * is the same write, and it waits for a held-up partition like any cluster call.
     */
    public void store(@ExchangeProperty(FacadeMessages.MESSAGE) UserMessage message, Exchange exchange)
            throws Exception {
        boolean keyed = exchange.getProperty(IdempotencyKeys.KEY) != null;
        LogAnswer written = keyed ? awaitFor(batches.write(LogEntry.of(message)), Long.MAX_VALUE)
                : writeOrRekey(clearOfHeldUp(message, exchange), exchange);
        messages.checkLogged(written, keyed);
    }

    /** The message under a uuid clear of the partitions seen held up: nobody has seen the one drawn for it yet. */
    private UserMessage clearOfHeldUp(UserMessage drawn, Exchange exchange) {
        String uuid = partitions.clearOfHeldUp(drawn.uuid());
        if (uuid.equals(drawn.uuid())) {
            return drawn;
        }
        UserMessage message = new UserMessage(uuid, drawn.msg());
        exchange.setProperty(FacadeMessages.MESSAGE, message);
        return message;
    }

    private LogAnswer writeOrRekey(UserMessage message, Exchange exchange) throws Exception {
        long began = System.nanoTime();
        Future<LogAnswer> first = batches.write(LogEntry.of(message));
        LogAnswer written = awaitFor(first, probeAfterNanos);
        if (written == null) {
            partitions.probe();
            written = awaitFor(first, rekeyAfterNanos - probeAfterNanos);
        }
        String rekeyed = null;
        // Written again only once its own partition is seen held up (a write that is merely slow lands soon, and a
        // list between its landing and the second write's would show it, then no more) and another one is seen
        // answering (the probes' first round takes a moment).
        while (written == null
                && (!partitions.heldUp(message.uuid()) || (rekeyed = partitions.rekeyed(message.uuid())) == null)) {
            if (System.nanoTime() - began - postDeadlineNanos > 0) {
                return awaitFor(first, Long.MAX_VALUE);
            }
            written = awaitFor(first, PROBE_WAIT_NANOS);
        }
        if (written != null) {
            return written;
        }
        // Only the second write may be acknowledged from now on: it supersedes the first, which is never listed.
        LOG.warn("log write of {} held up for {} ms: written again as {} ({} partitions seen answering)",
                message.uuid(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), rekeyed,
                partitions.responsiveCount());
        exchange.setProperty(FacadeMessages.MESSAGE, new UserMessage(rekeyed, message.msg()));
        // No further attempts of the first write (a batch not yet sent leaves it out): whether it lands or not, it is
        // never listed.
        first.cancel(true);
        return batches.writeAlone(new LogEntry(rekeyed, message.msg(), message.uuid()));
    }

    /** The answer, or null if it has not come within {@code nanos}; the write's failure is thrown. */
    private static LogAnswer awaitFor(Future<LogAnswer> write, long nanos) throws Exception {
        try {
            return write.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException stillUnderWay) {
            return null;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
