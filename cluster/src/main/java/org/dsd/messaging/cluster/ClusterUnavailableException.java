package org.dsd.messaging.cluster;

/**
 * This instance cannot serve a request right now (cut off from the cluster's majority, or a read came back short
 * while partitions move), though another instance or a retry may: the HTTP routes answer 503.
 */
public class ClusterUnavailableException extends RuntimeException {

    public ClusterUnavailableException(String reason) {
        super(reason);
    }
}
