package dev.fearless.metrics.docs;

import dev.fearless.metrics.StructureJmx;
import dev.fearless.structure.Structure;
import java.lang.management.ManagementFactory;

/**
 * The names the Javadoc examples of {@code dev.fearless.metrics} take for granted. The structure
 * MBean is registered (examples read it through JMX); {@link #close()} restores whether it was
 * registered and whether the structure was enabled.
 */
@SuppressWarnings("unused")
public abstract class MetricsExamples implements AutoCloseable {

    private final boolean wasEnabled = Structure.isEnabled();
    private final boolean wasRegistered = ManagementFactory.getPlatformMBeanServer().isRegistered(StructureJmx.NAME);

    protected MetricsExamples() {
        StructureJmx.register();
    }

    protected void runTheApplication() {}

    @Override
    public void close() {
        if (!wasRegistered) {
            StructureJmx.unregister();
        }
        if (!wasEnabled) {
            Structure.disable();
        }
    }
}
