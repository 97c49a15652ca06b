package org.dsd.messaging.facade;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.dsd.messaging.http.HttpProperties;
import org.dsd.messaging.model.LogEntry;
import org.dsd.messaging.model.LoggedEntry;
import org.springframework.stereotype.Component;

/**
 * Group commit of log writes, when {@code app.facade.log-batches-under-way} is above 0 (2 by default; with 0 each
 * write goes alone, as POST /logging): the writes of POSTs that arrive while that many batches are under way go
 * together in the next one, a single POST /logging/batch to one instance that the balancer picks
 * (with failover and hedging, as for a single write). A write that finds a batch slot free goes at once, alone or
 * with whatever waits: nothing ever waits for a timer. A batch holds at most {@value LogEntry#MOST_PER_BATCH}
 * entries and {@code app.http.max-message-size} of text, so it fits logging's body limit. Each message gets its own
 * answer; a batch that fails fails the messages it holds, and a message whose write is still under way when the
 * batch is answered (its partition held up by a frozen member) is written alone, as an unbatched POST would be.
 * A batch still under way after {@code app.facade.hedge-after} (hedged on another instance by then) gives up its
 * slot, so the writes behind it never wait for a stalled one: Kafka's in-flight limit, bounded in time.
 * Metrics: {@code facade.log.batch.entries} (entries per batch sent) and {@code facade.log.writes.waiting}.
 */
@Component
public class LogBatches {

    private final ProducerTemplate producer;
    private final ObjectMapper json;
    private final ExecutorService senders;
    private final ScheduledExecutorService overdueSlots;
    private final long slotHeldForNanos;
    private final int mostUnderWay;
    private final long mostTextBytes;
    private final DistributionSummary batchEntries;
    private final Queue<Write> waiting = new ArrayDeque<>();
    private int underWay;

    private record Write(LogEntry entry, CompletableFuture<LogAnswer> answer) {
    }

    public LogBatches(ProducerTemplate producer, ObjectMapper json, FacadeProperties properties,
                      HttpProperties http, MeterRegistry metrics) {
        this.producer = producer;
        this.json = json;
        this.mostUnderWay = properties.logBatchesUnderWay();
        this.mostTextBytes = http.maxMessageSize().toBytes();
        this.slotHeldForNanos = properties.hedgeAfter().toNanos();
        var executors = producer.getCamelContext().getExecutorServiceManager();
        this.senders = executors.newCachedThreadPool(this, "log-batch");
        this.overdueSlots = executors.newSingleThreadScheduledExecutor(this, "log-batch-overdue");
        this.batchEntries = DistributionSummary.builder("facade.log.batch.entries")
                .description("Log writes per batch sent to a logging instance").register(metrics);
        Gauge.builder("facade.log.writes.waiting", this, LogBatches::waitingCount)
                .description("Log writes waiting for a batch slot").register(metrics);
    }

    private synchronized int waitingCount() {
        return waiting.size();
    }

    /** Logs the entry with the next batch, or alone when batching is off; the answer is logging's for it. */
    public CompletableFuture<LogAnswer> write(LogEntry entry) {
        Write write = new Write(entry, new CompletableFuture<>());
        if (mostUnderWay == 0) {
            senders.execute(() -> writeAloneFor(write));
            return write.answer();
        }
        List<Write> batch;
        synchronized (this) {
            waiting.add(write);
            batch = nextBatch();
        }
        if (batch != null) {
            senders.execute(() -> send(batch));
        }
        return write.answer();
    }

    /** Logs the entry alone (POST /logging), on the calling thread. */
    public LogAnswer writeAlone(LogEntry entry) throws Exception {
        Exchange written = producer.send("direct:logging-store", exchange -> exchange.getIn().setBody(entry));
        if (written.getException() != null) {
            throw written.getException();
        }
        return new LogAnswer(written.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class),
                written.getMessage().getBody(String.class));
    }

    /** Unless the write was given up meanwhile (written again under another uuid). */
    private void writeAloneFor(Write write) {
        try {
            if (!write.answer().isDone()) {
                write.answer().complete(writeAlone(write.entry()));
            }
        } catch (Exception failed) {
            write.answer().completeExceptionally(failed);
        }
    }

    /** The next batch if a slot is free: what waits, up to the entry and text limits. Called holding the lock. */
    private List<Write> nextBatch() {
        if (waiting.isEmpty() || underWay >= mostUnderWay) {
            return null;
        }
        underWay++;
        List<Write> batch = new ArrayList<>();
        Set<String> uuids = new HashSet<>();
        long text = 0;
        for (Iterator<Write> next = waiting.iterator(); next.hasNext() && batch.size() < LogEntry.MOST_PER_BATCH; ) {
            Write write = next.next();
            // At most three UTF-8 bytes per char: an upper bound without encoding the text.
            long bytes = 3L * write.entry().msg().length();
            if (!batch.isEmpty() && text + bytes > mostTextBytes) {
                break;
            }
            // A repeat under the same Idempotency-Key while the first is still waiting goes in a later batch: a
            // batch names each uuid once, and the repeat is then answered as a repeat.
            if (uuids.add(write.entry().uuid())) {
                text += bytes;
                batch.add(write);
                next.remove();
            }
        }
        return batch;
    }

    private void send(List<Write> batch) {
        for (List<Write> next = batch; next != null; ) {
            ScheduledFuture<?> overdue = overdueSlots.schedule(this::freeOverdueSlot, slotHeldForNanos,
                    TimeUnit.NANOSECONDS);
            answer(next);
            // Cancelled in time: the slot is still this batch's to give back; otherwise it was freed when overdue.
            boolean holdsSlot = overdue.cancel(false);
            synchronized (this) {
                if (holdsSlot) {
                    underWay--;
                }
                next = nextBatch();
            }
        }
    }

    private void freeOverdueSlot() {
        List<Write> batch;
        synchronized (this) {
            underWay--;
            batch = nextBatch();
        }
        if (batch != null) {
            senders.execute(() -> send(batch));
        }
    }

    private void answer(List<Write> batch) {
        List<Write> open = batch.stream().filter(write -> !write.answer().isDone()).toList();
        if (open.isEmpty()) {
            return;
        }
        batchEntries.record(open.size());
        try {
            Exchange sent = producer.send("direct:logging-store-batch",
                    exchange -> exchange.getIn().setBody(open.stream().map(Write::entry).toList()));
            if (sent.getException() != null) {
                throw sent.getException();
            }
            int status = sent.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            String body = sent.getMessage().getBody(String.class);
            if (status != 200) {
                open.forEach(write -> write.answer().complete(new LogAnswer(status, body)));
                return;
            }
            Map<String, LoggedEntry> answers = Arrays.stream(json.readValue(body, LoggedEntry[].class))
                    .collect(Collectors.toMap(LoggedEntry::uuid, Function.identity(), (first, second) -> first));
            for (Write write : open) {
                complete(write, answers.get(write.entry().uuid()));
            }
        } catch (Exception failed) {
            open.forEach(write -> write.answer().completeExceptionally(failed));
        }
    }

    private void complete(Write write, LoggedEntry answer) throws IOException {
        if (answer == null) {
            write.answer().complete(new LogAnswer(502, "the batch's answer left out " + write.entry().uuid()));
        } else if (answer.status() == 503) {
            // Still under way on a held-up partition: written alone, so the batch's other messages need not wait.
            senders.execute(() -> writeAloneFor(write));
        } else {
            write.answer().complete(new LogAnswer(answer.status(), json.writeValueAsString(answer)));
        }
    }
}
