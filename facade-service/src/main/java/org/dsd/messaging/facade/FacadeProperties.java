package org.dsd.messaging.facade;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the facade finds the other services, and how it treats instances that fail.
 *
 * @param loggingUrls  with {@code app.discovery=static}: base URLs of the logging instances (POST and GET /logging)
 * @param messagesUrls with {@code app.discovery=static}: base URLs of the messages instances (GET /messages)
 * @param postDeadline          how long each step of POST /facade is tried again: its key claim, its log write
 *                              (instances that fail or do not answer, one after another; then 503) and, in the
 *                              background, its queue offer; longer than the cluster takes to drop a frozen member
 *                              (about 8 s, 18 s seen after irregular heartbeats), whose partitions wait for it
 *                              meanwhile
 * @param hedgeAfter            a logging instance that has not answered a POST for this long gets the same POST
 *                              sent to the next instance beside it (the store is idempotent by uuid)
 * @param logBatchesUnderWay    group commit of log writes: how many batches may be under way at once, the writes of
 *                              POSTs that arrive meanwhile going together in the next one (a write that finds a slot
 *                              free goes at once, and a batch still under way after hedge-after frees its slot);
 *                              0 sends each write alone (POST /logging)
 * @param rekeyAfter            a POST whose log write has not answered for this long (a frozen member holds up its
 *                              partition) is written again under another uuid, on a partition that answers
 * @param listHedgeAfter        a list request that an instance has not answered in full for this long is sent to
 *                              the next instance beside it; longer than a whole list of 100,000 messages takes
 * @param listDeadline          how long a list request is tried again (instances that fail or do not answer, one
 *                              after another) before it answers 503
 * @param queueOfferWait        how long a POST waits for its queue offer before it acknowledges the logged message
 *                              anyway: the offer goes on in the background, and the redelivery queues a logged
 *                              message no consumer got; once one outlasts it, the next are not waited for until an
 *                              offer succeeds
 * @param queueOffersUnderWay   the most queue offers under way at once; past it a POST makes none (the redelivery
 *                              queues the message): a broker that hangs ties up no request thread
 * @param failedInstanceBackoff how long an instance that failed is tried after the others (left out, if it gave no
 *                              answer at all, unless no other is left); doubled on each further failure in a row
 * @param failedInstanceMaxBackoff the longest it is tried after the others
 * @param stalledInstanceAfter  an instance with calls under way that answered none for this long (a frozen one) is
 *                              left out, unless no other is left, until it answers again
 */
@ConfigurationProperties("app.facade")
public record FacadeProperties(
        @DefaultValue({"http://127.0.0.1:8081", "http://127.0.0.1:8083", "http://127.0.0.1:8085"})
        List<String> loggingUrls,
        @DefaultValue({"http://127.0.0.1:8082", "http://127.0.0.1:8084"})
        List<String> messagesUrls,
        @DefaultValue("20s") Duration postDeadline,
        @DefaultValue("300ms") Duration hedgeAfter,
        @DefaultValue("2") int logBatchesUnderWay,
        @DefaultValue("1s") Duration rekeyAfter,
        @DefaultValue("300ms") Duration queueOfferWait,
        @DefaultValue("200") int queueOffersUnderWay,
        @DefaultValue("2s") Duration listHedgeAfter,
        @DefaultValue("30s") Duration listDeadline,
        @DefaultValue("10s") Duration failedInstanceBackoff,
        @DefaultValue("1m") Duration failedInstanceMaxBackoff,
        @DefaultValue("2s") Duration stalledInstanceAfter) {
}
