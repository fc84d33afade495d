package dev.fearless.metrics;

/**
 * The management interface of the MBean {@code dev.fearless:type=Structure} that
 * {@link StructureJmx#register()} registers: the toolkit's structure snapshot
 * ({@link dev.fearless.structure.Structure}) as text and as JSON, and the switch that turns
 * tracking on and off.
 *
 * <pre>{@code
 * MBeanServer server = ManagementFactory.getPlatformMBeanServer();
 * String text = (String) server.invoke(StructureJmx.NAME, "snapshotText", null, null);
 * }</pre>
 */
public interface StructureMBean {

    /**
     * Returns whether structure tracking is enabled (the attribute {@code Enabled}).
     *
     * @return whether scopes and waits are being recorded
     */
    boolean isEnabled();

    /** Enables structure tracking: scopes opened from now on are recorded. */
    void enable();

    /** Disables structure tracking and forgets what was recorded. */
    void disable();

    /**
     * Takes a snapshot and renders it in the style of a thread dump, with wait-for chains and
     * deadlocks.
     *
     * @return the report
     */
    String snapshotText();

    /**
     * Takes a snapshot and renders it as JSON (see
     * {@link dev.fearless.structure.StructureSnapshot#toJson()}).
     *
     * @return the JSON text
     */
    String snapshotJson();
}
