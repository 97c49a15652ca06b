package org.dsd.messaging.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.topic.ITopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * Graceful departures for the {@link DataMemberQuorum}: a member (a data member or a witness) announces, before it
 * shuts down, that it leaves on purpose, and every member's quorum stops expecting it. Destroyed before the
 * Hazelcast instance it uses.
 */
public class DataMemberDepartures implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(DataMemberDepartures.class);
    private static final int REGISTRATION_ATTEMPTS = 3;

    private final HazelcastInstance hazelcast;
    private final ITopic<Address> departures;

    public DataMemberDepartures(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        this.departures = hazelcast.getTopic(DataMemberQuorum.DEPARTURES_TOPIC);
        listen(DataMemberQuorum.of(hazelcast));
    }

    /**
     * Registering the listener asks every member, and one frozen while this member starts leaves the call to time
     * out (30 s) until the cluster drops it or hears from it again: tried again rather than failing the start. Where
     * a timed-out registration got through after all, a departure is only reported twice, which changes nothing.
     */
    private void listen(DataMemberQuorum quorum) {
        for (int attempt = 1; ; attempt++) {
            try {
                departures.addMessageListener(message -> quorum.departed(message.getMessageObject()));
                return;
            } catch (OperationTimeoutException memberNotAnswering) {
                if (attempt == REGISTRATION_ATTEMPTS) {
                    throw memberNotAnswering;
                }
                LOG.warn("registering for graceful departures timed out (a member does not answer): trying again");
            }
        }
    }

    @Override
    public void destroy() {
        departures.publish(hazelcast.getCluster().getLocalMember().getAddress());
    }
}
