package org.dsd.messaging.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import org.springframework.beans.factory.DisposableBean;

/**
 * Graceful departures for the {@link DataMemberQuorum}: a member (a data member or a witness) announces, before it
 * shuts down, that it leaves on purpose, and every member's quorum stops expecting it. Destroyed before the
 * Hazelcast instance it uses.
 */
public class DataMemberDepartures implements DisposableBean {

    private final HazelcastInstance hazelcast;
    private final ITopic<Address> departures;

    public DataMemberDepartures(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        this.departures = hazelcast.getTopic(DataMemberQuorum.DEPARTURES_TOPIC);
        DataMemberQuorum quorum = DataMemberQuorum.of(hazelcast);
        departures.addMessageListener(message -> quorum.departed(message.getMessageObject()));
    }

    @Override
    public void destroy() {
        departures.publish(hazelcast.getCluster().getLocalMember().getAddress());
    }
}
