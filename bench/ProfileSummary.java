import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a process's CPU goes, from an async-profiler profile in collapsed form (one line per stack: frames joined
 * by ';', then the sample count). Run by bench/profile.sh as a single-file program:
 *
 *   java ProfileSummary.java [--posts=N] FILE...
 *
 * Each sample counts for the deepest frame that names a part of the stack below (the HTTP server, Spring MVC,
 * the load balancer and its HTTP client, Hazelcast, ...): a part's share is the CPU spent in it and in what it
 * calls that no deeper part claims. Prints one table: the parts as rows, one column per file; with the number of
 * POSTs answered while the profiles ran (samples taken every millisecond), also each process's CPU per POST.
 */
public class ProfileSummary {

    /** Frame text → part, the more specific first: a frame is matched against them in this order. */
    private static final List<String[]> PARTS = List.of(
            new String[] {"com/hazelcast", "Hazelcast (client or member)"},
            new String[] {"org/apache/hc/", "HTTP client (facade to logging)"},
            new String[] {"RandomFailoverLoadBalancer", "HTTP client (facade to logging)"},
            new String[] {"com/fasterxml/jackson", "JSON (Jackson)"},
            new String[] {"ch/qos/logback", "log lines (logback)"},
            new String[] {"io/micrometer", "metrics (Micrometer)"},
            new String[] {"Micrometer", "metrics (Micrometer)"},
            new String[] {"org/apache/camel", "Camel routes, exchanges, the apps' beans"},
            new String[] {"org/dsd/messaging", "Camel routes, exchanges, the apps' beans"},
            new String[] {"org/springframework/security", "servlet filters (security, observation)"},
            new String[] {"ServerHttpObservationFilter", "servlet filters (security, observation)"},
            new String[] {"org/springframework/web/servlet", "Spring MVC dispatch"},
            new String[] {"org/springframework/web", "servlet filters (security, observation)"},
            new String[] {"org/apache/catalina", "Tomcat (HTTP server)"},
            new String[] {"org/apache/coyote", "Tomcat (HTTP server)"},
            new String[] {"org/apache/tomcat", "Tomcat (HTTP server)"},
            new String[] {"CompilerThre", "JIT compiler threads"},
            new String[] {"GC Thread", "garbage collection"},
            new String[] {"VM Thread", "garbage collection"});

    public static void main(String[] arguments) throws IOException {
        boolean counted = arguments.length > 0 && arguments[0].startsWith("--posts=");
        long posts = counted ? Long.parseLong(arguments[0].substring("--posts=".length())) : 0;
        String[] files = counted ? Arrays.copyOfRange(arguments, 1, arguments.length) : arguments;
        Map<String, long[]> samples = new LinkedHashMap<>();
        long[] totals = new long[files.length];
        for (int file = 0; file < files.length; file++) {
            for (String line : Files.readAllLines(Path.of(files[file]))) {
                int space = line.lastIndexOf(' ');
                if (space < 0) {
                    continue;
                }
                long count = Long.parseLong(line.substring(space + 1).trim());
                samples.computeIfAbsent(part(line.substring(0, space).split(";")), p -> new long[files.length])[file]
                        += count;
                totals[file] += count;
            }
        }
        StringBuilder header = new StringBuilder(String.format("%-42s", "share of the process's CPU samples"));
        for (String file : files) {
            header.append(String.format(" %16s", Path.of(file).getFileName().toString().replace(".collapsed", "")));
        }
        System.out.println(header);
        samples.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
                .forEach(part -> {
                    StringBuilder row = new StringBuilder(String.format("%-42s", part.getKey()));
                    for (int file = 0; file < files.length; file++) {
                        row.append(String.format(" %15.1f%%", 100.0 * part.getValue()[file] / Math.max(1, totals[file])));
                    }
                    System.out.println(row);
                });
        StringBuilder total = new StringBuilder(String.format("%-42s", "samples"));
        for (long count : totals) {
            total.append(String.format(" %16d", count));
        }
        System.out.println(total);
        if (posts > 0) {
            StringBuilder perPost = new StringBuilder(String.format("%-42s", "CPU per POST (1 sample = 1 ms)"));
            for (long count : totals) {
                perPost.append(String.format(" %13.2f ms", (double) count / posts));
            }
            System.out.println(perPost);
        }
    }

    /** The part of the deepest frame that names one; "other" (the JDK, the kernel, ...) when none does. */
    private static String part(String[] frames) {
        for (int i = frames.length - 1; i >= 0; i--) {
            for (String[] part : PARTS) {
                if (frames[i].contains(part[0])) {
                    return part[1];
                }
            }
        }
        return "other (JDK, kernel)";
    }
}
