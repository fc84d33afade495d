package dev.fearless.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Describes the machine a report was generated on (Linux {@code /proc}; "unknown" elsewhere). */
final class Machine {

    private Machine() {}

    static String describe() {
        return Runtime.getRuntime().availableProcessors() + " CPUs available to the JVM (nproc), "
                + memory() + " memory, CPU " + cpuModel() + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + " " + System.getProperty("os.arch") + ", runner JDK "
                + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")";
    }

    /** The content of {@code /proc/loadavg} (load over 1, 5 and 15 min, runnable/threads, last pid), or "unknown". */
    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The one-minute load average of a {@link #loadavg()} line; NaN when unknown. */
    static double load(String loadavg) {
        try {
            return Double.parseDouble(loadavg.split("\\s+")[0]);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private static String cpuModel() {
        return field(Path.of("/proc/cpuinfo"), "model name").orElse("unknown");
    }

    private static String memory() {
        return field(Path.of("/proc/meminfo"), "MemTotal")
                .map(kb -> String.format(java.util.Locale.ROOT, "%.1f GiB",
                        Long.parseLong(kb.replace("kB", "").strip()) / (1024.0 * 1024.0)))
                .orElse("unknown");
    }

    private static java.util.Optional<String> field(Path file, String name) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equals(name)) {
                    return java.util.Optional.of(line.substring(colon + 1).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: say unknown
        }
        return java.util.Optional.empty();
    }
}
