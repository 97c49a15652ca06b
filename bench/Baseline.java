import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.collection.IQueue;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

/**
 * The benchmark's Hazelcast side, run by bench/run.sh as a single-file program (java -cp hazelcast.jar Baseline.java):
 *
 *   raw CLIENTS SECONDS   what the data operations alone cost: CLIENTS threads each doing one map write plus one
 *                         queue offer per message, as the services do, on a map and queue of their own; SECONDS
 *                         of warm-up first, then SECONDS measured
 *   watch DONE-FILE       the depth of the services' queue: sampled every 100 ms until DONE-FILE exists (the load
 *                         ended), then until it is empty; prints the peak depth and how long it took to empty
 *
 * Environment: BENCH_CLUSTER (cluster name, default messages-cluster), BENCH_MEMBERS (default the seed's three).
 */
public class Baseline {

    public static void main(String[] args) throws Exception {
        ClientConfig config = new ClientConfig();
        config.setClusterName(System.getenv().getOrDefault("BENCH_CLUSTER", "messages-cluster"));
        config.getNetworkConfig().setAddresses(Arrays.asList(System.getenv()
                .getOrDefault("BENCH_MEMBERS", "127.0.0.1:5701,127.0.0.1:5702,127.0.0.1:5703").split(",")));
        HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
        try {
            if (args[0].equals("raw")) {
                raw(client, Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            } else {
                watch(client.getQueue("messages"), Path.of(args[1]));
            }
        } finally {
            client.shutdown();
        }
    }

    private static void raw(HazelcastInstance client, int clients, int seconds) throws InterruptedException {
        String name = "bench-raw-" + UUID.randomUUID();
        IMap<String, String> map = client.getMap(name);
        IQueue<String> queue = client.getQueue(name);
        pairs(map, queue, clients, seconds);
        queue.clear();
        String[] measured = pairs(map, queue, clients, seconds);
        System.out.printf("raw %d %s %s %s %s%n", clients, measured[0], measured[1], measured[2], measured[3]);
        map.destroy();
        queue.destroy();
    }

    /** Pairs per second, p50 and p99 in ms, offers the full queue refused. */
    private static String[] pairs(IMap<String, String> map, IQueue<String> queue, int clients, int seconds)
            throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong pairs = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(clients);
        for (int t = 0; t < clients; t++) {
            long[] mine = new long[2_000_000];
            latencies.add(mine);
            new Thread(() -> {
                int n = 0;
                while (System.nanoTime() < end && n < mine.length) {
                    String uuid = UUID.randomUUID().toString();
                    String json = "{\"uuid\":\"" + uuid + "\",\"msg\":\"benchmark message " + n + "\"}";
                    long start = System.nanoTime();
                    map.putIfAbsent(uuid, json);
                    if (!queue.offer(json)) {
                        refused.incrementAndGet();
                    }
                    mine[n++] = System.nanoTime() - start;
                    pairs.incrementAndGet();
                }
                done.countDown();
            }).start();
        }
        done.await();
        long[] all = latencies.stream().flatMapToLong(l -> Arrays.stream(l).filter(v -> v > 0)).sorted().toArray();
        return new String[] {String.format("%.0f", pairs.get() / (double) seconds),
                String.format("%.2f", all[all.length / 2] / 1e6),
                String.format("%.2f", all[(int) (all.length * 0.99)] / 1e6), String.valueOf(refused.get())};
    }

    private static void watch(IQueue<String> queue, Path loadDone) throws InterruptedException {
        int peak = 0;
        int depth;
        do {
            depth = queue.size();
            peak = Math.max(peak, depth);
            Thread.sleep(100);
        } while (!Files.exists(loadDone));
        long loadEnds = System.nanoTime();
        long giveUp = loadEnds + 60_000_000_000L;
        while (depth > 0 && System.nanoTime() < giveUp) {
            Thread.sleep(50);
            depth = queue.size();
            peak = Math.max(peak, depth);
        }
        double drained = Math.max(0, System.nanoTime() - loadEnds) / 1e9;
        System.out.printf("watch %d %.2f %d%n", peak, drained, depth);
    }
}
