package org.dsd.messaging.system;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * An ActiveMQ Artemis broker for {@link Broker#artemis}: {@code <port> <data directory>}; clients on
 * {@code tcp://127.0.0.1:<port>}, a persistent journal, queues created on first use. A message is
 * delivered again after 1 s however often a consumer rolls it back: no dead-letter address takes it away.
 */
public final class ArtemisBrokerMain {

    private ArtemisBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        String data = args[1];
        Configuration configuration = new ConfigurationImpl()
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJournalType(JournalType.NIO)
                // Written to the OS on every commit, not forced to the disk: a killed process loses nothing, only a
                // lost machine would (as with Kafka by default). Syncing every commit held each messages instance to
                // about 20 messages a second here.
                .setJournalDatasync(false)
                .setJournalDirectory(data + "/journal")
                .setBindingsDirectory(data + "/bindings")
                .setPagingDirectory(data + "/paging")
                .setLargeMessagesDirectory(data + "/large-messages")
                .addAcceptorConfiguration("clients", "tcp://127.0.0.1:" + args[0])
                .addAddressSetting("#", new AddressSettings().setMaxDeliveryAttempts(-1).setRedeliveryDelay(1_000));
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
        broker.setConfiguration(configuration);
        broker.start();
        Thread.currentThread().join();
    }
}
