import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.collection.IQueue;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.transaction.TransactionContext;
import com.hazelcast.transaction.TransactionalQueue;
import org.dsd.messaging.cluster.RecordIfAbsent;
import org.dsd.messaging.cluster.StoreIfAbsent;
import org.dsd.messaging.model.ConsumedMessage;
import org.dsd.messaging.model.StoredMessage;

/**
 * The benchmark's Hazelcast side, run by bench/run.sh as a single-file program (java -cp hazelcast.jar Baseline.java):
 *
 *   raw CLIENTS SECONDS   what the data operations alone cost: CLIENTS threads each doing one map write plus one
 *                         queue offer per message, as the services do, on a map and queue of their own; SECONDS
 *                         of warm-up first, then SECONDS measured
 *   path CLIENTS SECONDS  what the data operations of the whole guaranteed path cost: as raw, while two consumers
 *                         (clients of their own, as the two messages instances are) take the queue in transactions
 *                         of up to 50 items, as the messages instances do, and record each item in a map with
 *                         putIfAbsent before they commit; prints what raw does, then the CPU per message of the
 *                         processes named in BENCH_PIDS plus this one's own (user + system, from /proc)
 *   batched CLIENTS SECONDS  as path, with the map writes batched the way the services batch them: the writes that
 *                         arrive while two batches are under way go together in the next one, whose writes are all
 *                         under way at once (the logging instances' put-if-absent entry processor, which waits for
 *                         its backup), and each transaction's consumption records all under way at once (the messages
 *                         instances' entry processor); the classpath needs the project's cluster and model jars
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
            } else if (args[0].equals("path") || args[0].equals("batched")) {
                path(config, client, args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]));
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
        pairs(map, queue, clients, seconds, null);
        queue.clear();
        String[] measured = pairs(map, queue, clients, seconds, null);
        System.out.printf("raw %d %s %s %s %s%n", clients, measured[0], measured[1], measured[2], measured[3]);
        map.destroy();
        queue.destroy();
    }

    private static void path(ClientConfig config, HazelcastInstance client, String mode, int clients, int seconds)
            throws Exception {
        String name = "bench-" + mode + "-" + UUID.randomUUID();
        IQueue<String> queue = client.getQueue(name);
        MapWrite map = mode.equals("path") ? new PutIfAbsent(client.getMap(name)) : new Batches(client.getMap(name));
        List<HazelcastInstance> consumers = new ArrayList<>();
        List<Thread> consuming = new ArrayList<>();
        Backlog backlog = new Backlog(new AtomicLong(), new AtomicLong());
        for (int i = 0; i < 2; i++) {
            HazelcastInstance consumer = HazelcastClient.newHazelcastClient(config);
            consumers.add(consumer);
            Thread thread = new Thread(() -> consume(consumer, name, backlog.consumed(), mode.equals("batched")));
            thread.start();
            consuming.add(thread);
        }
        pairs(map, queue, clients, seconds, backlog);
        long cpuBefore = cpuTicks();
        String[] measured = pairs(map, queue, clients, seconds, backlog);
        long cpuTicks = cpuTicks() - cpuBefore;
        System.out.printf("%s %d %s %s %s %s %.2f%n", mode, clients, measured[0], measured[1], measured[2], measured[3],
                cpuTicks * 1000.0 / ticksPerSecond() / Long.parseLong(measured[4]));
        for (Thread thread : consuming) {
            thread.interrupt();
            thread.join();
        }
        consumers.forEach(HazelcastInstance::shutdown);
        client.getMap(name).destroy();
        queue.destroy();
        client.getMap(name + "-consumed").destroy();
    }

    /**
     * What the queue holds: a producer waits while it is more than {@value #MAX_BACKLOG}, so that the rate measured
     * is the one the consumers keep up with, as the services' consumers do.
     */
    private record Backlog(AtomicLong offered, AtomicLong consumed) {

        static final int MAX_BACKLOG = 500;

        void awaitRoom() throws InterruptedException {
            while (offered.get() - consumed.get() > MAX_BACKLOG) {
                Thread.sleep(1);
            }
        }
    }

    /**
     * A messages instance's data operations: transactions of what the queue holds, each item recorded once; one
     * record after the other, or all of a transaction's under way at once.
     */
    private static void consume(HazelcastInstance consumer, String name, AtomicLong consumed, boolean together) {
        IMap<String, ConsumedMessage> record = consumer.getMap(name + "-consumed");
        long arrival = 0;
        while (!Thread.currentThread().isInterrupted()) {
            TransactionContext transaction = consumer.newTransactionContext();
            transaction.beginTransaction();
            try {
                TransactionalQueue<String> queue = transaction.getQueue(name);
                List<String> items = new ArrayList<>();
                String item = queue.poll(1, TimeUnit.SECONDS);
                long windowEnds = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
                while (item != null) {
                    items.add(item);
                    item = items.size() < 50
                            ? queue.poll(Math.max(0, windowEnds - System.nanoTime()), TimeUnit.NANOSECONDS) : null;
                }
                List<CompletableFuture<Boolean>> records = new ArrayList<>();
                for (String json : items) {
                    // Keyed by the uuid, which the producers' JSON holds after its first 9 characters.
                    String uuid = json.substring(9, 45);
                    ConsumedMessage mine = new ConsumedMessage(uuid, json, "baseline", arrival++);
                    if (together) {
                        records.add(record.submitToKey(uuid, RecordIfAbsent.of(mine)).toCompletableFuture());
                    } else {
                        record.putIfAbsent(uuid, mine);
                    }
                }
                records.forEach(CompletableFuture::join);
                transaction.commitTransaction();
                consumed.addAndGet(items.size());
            } catch (InterruptedException | RuntimeException e) {
                transaction.rollbackTransaction();
                return;
            }
        }
    }

    /** CPU time used so far by this process and the ones named in BENCH_PIDS, in clock ticks. */
    private static long cpuTicks() throws IOException {
        long ticks = 0;
        List<String> pids = new ArrayList<>(List.of("self"));
        pids.addAll(Arrays.asList(System.getenv().getOrDefault("BENCH_PIDS", "").split("[\\s,]+")));
        for (String pid : pids) {
            Path stat = Path.of("/proc", pid, "stat");
            if (!pid.isBlank() && Files.isReadable(stat)) {
                // The fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
                String line = Files.readString(stat);
                String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            }
        }
        return ticks;
    }

    private static long ticksPerSecond() throws IOException, InterruptedException {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
        return Long.parseLong(new String(getconf.getInputStream().readAllBytes()).trim());
    }

    /**
     * Pairs per second, p50 and p99 in ms, offers the full queue refused, pairs in all. With a backlog, each pair
     * waits first until the queue has room in it (not counted in its time).
     */
    private static String[] pairs(IMap<String, String> map, IQueue<String> queue, int clients, int seconds,
                                  Backlog backlog) throws InterruptedException {
        return pairs(new PutIfAbsent(map), queue, clients, seconds, backlog);
    }

    private static String[] pairs(MapWrite map, IQueue<String> queue, int clients, int seconds,
                                  Backlog backlog) throws InterruptedException {
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
                try {
                    while (System.nanoTime() < end && n < mine.length) {
                        String uuid = UUID.randomUUID().toString();
                        String json = "{\"uuid\":\"" + uuid + "\",\"msg\":\"benchmark message " + n + "\"}";
                        if (backlog != null) {
                            backlog.awaitRoom();
                        }
                        long start = System.nanoTime();
                        map.write(uuid, "benchmark message " + n);
                        if (!queue.offer(json)) {
                            refused.incrementAndGet();
                        } else if (backlog != null) {
                            backlog.offered().incrementAndGet();
                        }
                        mine[n++] = System.nanoTime() - start;
                        pairs.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }).start();
        }
        done.await();
        long[] all = latencies.stream().flatMapToLong(l -> Arrays.stream(l).filter(v -> v > 0)).sorted().toArray();
        return new String[] {String.format("%.0f", pairs.get() / (double) seconds),
                String.format("%.2f", all[all.length / 2] / 1e6),
                String.format("%.2f", all[(int) (all.length * 0.99)] / 1e6), String.valueOf(refused.get()),
                String.valueOf(pairs.get())};
    }

    /** A message's map write, as one client thread makes it and waits for it. */
    private interface MapWrite {
        void write(String uuid, String msg) throws InterruptedException;
    }

    private record PutIfAbsent(IMap<String, String> map) implements MapWrite {
        @Override
        public void write(String uuid, String msg) {
            map.putIfAbsent(uuid, "{\"uuid\":\"" + uuid + "\",\"msg\":\"" + msg + "\"}");
        }
    }

    /** The logging side of group commit: at most two batches under way; the writes meanwhile wait for the next. */
    private static final class Batches implements MapWrite {
        private final IMap<String, StoredMessage> map;
        private final ExecutorService senders = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task);
            thread.setDaemon(true);
            return thread;
        });
        private final Queue<Waiting> waiting = new ArrayDeque<>();
        private int underWay;

        private record Waiting(StoredMessage message, CompletableFuture<Void> done) {
        }

        Batches(IMap<String, StoredMessage> map) {
            this.map = map;
        }

        @Override
        public void write(String uuid, String msg) throws InterruptedException {
            Waiting write = new Waiting(new StoredMessage(uuid, msg, System.currentTimeMillis()),
                    new CompletableFuture<>());
            List<Waiting> batch;
            synchronized (this) {
                waiting.add(write);
                batch = next();
            }
            if (batch != null) {
                senders.execute(() -> send(batch));
            }
            try {
                write.done().get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }

        private List<Waiting> next() {
            if (waiting.isEmpty() || underWay >= 2) {
                return null;
            }
            underWay++;
            List<Waiting> batch = new ArrayList<>();
            while (!waiting.isEmpty() && batch.size() < 64) {
                batch.add(waiting.poll());
            }
            return batch;
        }

        private void send(List<Waiting> batch) {
            for (List<Waiting> next = batch; next != null; ) {
                // Awaited one by one on this thread, as the logging instances do: a callback would run on a new
                // thread each on two cores.
                List<Future<StoreIfAbsent>> writes = next.stream().map(write -> (Future<StoreIfAbsent>) map
                        .submitToKey(write.message().uuid(), StoreIfAbsent.of(write.message())).toCompletableFuture())
                        .toList();
                for (int i = 0; i < next.size(); i++) {
                    try {
                        writes.get(i).get();
                        next.get(i).done().complete(null);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        next.get(i).done().completeExceptionally(e);
                    } catch (ExecutionException e) {
                        next.get(i).done().completeExceptionally(e.getCause());
                    }
                }
                synchronized (this) {
                    underWay--;
                    next = next();
                }
            }
        }
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
