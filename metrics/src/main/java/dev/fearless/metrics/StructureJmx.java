package dev.fearless.metrics;

import dev.fearless.structure.Structure;
import java.lang.management.ManagementFactory;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Publishes the toolkit's structure snapshot ({@link Structure}) on the platform MBean server as
 * {@code dev.fearless:type=Structure}, so {@code jconsole}, JMC and scripts can read the tree of
 * scopes, tasks and waits from outside the process. Registering does not enable tracking: call
 * {@link Structure#enable()}, start with {@code -Dfearless.structure=true}, or invoke the MBean's
 * {@code enable} operation.
 *
 * <pre>{@code
 * Structure.enable();
 * StructureJmx.register();
 * // jconsole: MBeans > dev.fearless > Structure > Operations > snapshotText
 * }</pre>
 *
 * <p>Registration is idempotent and safe from any thread; the MBean's operations take a fresh
 * snapshot on every call.
 */
public final class StructureJmx {

    /** The MBean's name: {@code dev.fearless:type=Structure}. */
    public static final ObjectName NAME = name();

    private StructureJmx() {
    }

    private static ObjectName name() {
        try {
            return new ObjectName("dev.fearless:type=Structure");
        } catch (MalformedObjectNameException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /**
     * Registers the MBean on the platform MBean server, unless it is registered already.
     *
     * @return {@link #NAME}
     * @throws IllegalStateException if the server refuses the registration
     */
    public static ObjectName register() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.registerMBean(new StandardMBean(new Bean(), StructureMBean.class), NAME);
        } catch (InstanceAlreadyExistsException alreadyThere) {
            // idempotent: another caller registered it
        } catch (JMException e) {
            throw new IllegalStateException("the platform MBean server refused " + NAME + ": " + e.getMessage(), e);
        }
        return NAME;
    }

    /**
     * Removes the MBean from the platform MBean server, if it is registered.
     *
     * @return whether it was registered
     * @throws IllegalStateException if the server refuses to remove it
     */
    public static boolean unregister() {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(NAME);
            return true;
        } catch (InstanceNotFoundException notThere) {
            return false;
        } catch (JMException e) {
            throw new IllegalStateException("the platform MBean server did not remove " + NAME + ": " + e.getMessage(),
                    e);
        }
    }

    /** The MBean: each operation reads the toolkit's static structure API. */
    private static final class Bean implements StructureMBean {

        @Override
        public boolean isEnabled() {
            return Structure.isEnabled();
        }

        @Override
        public void enable() {
            Structure.enable();
        }

        @Override
        public void disable() {
            Structure.disable();
        }

        @Override
        public String snapshotText() {
            return Structure.snapshot().toText();
        }

        @Override
        public String snapshotJson() {
            return Structure.snapshot().toJson();
        }
    }
}
