package dev.fearless.jfr;

import java.util.List;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.SettingDefinition;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The JFR event types. All are disabled by default, like the JDK's own expensive events, and
 * switched on by {@code fearless.jfc}. The time an event measures (a wait, a hold, a run) is a
 * field, because the listener learns it only after the fact; the {@code minDuration} setting
 * ({@link MinDuration}) filters on that field the way {@code threshold} filters JDK events.
 * Events are committed on the thread that caused them, so {@code eventThread} and the stack
 * trace point at the code that waited or ran.
 */
final class Events {

    static final String PREFIX = "dev.fearless.";

    private Events() {}

    @Name(PREFIX + "ScopeClosed")
    @Label("Scope Closed")
    @Category({"Fearless", "Scopes"})
    @Description("A structured scope closed, with how it ended and how long it was open")
    @Enabled(false)
    @StackTrace(false)
    static final class ScopeClosed extends Event {
        @Label("Scope") String scope;
        @Label("Outcome") String outcome;
        @Label("Open Time") @Timespan(Timespan.NANOSECONDS) long openTime;

        @SettingDefinition
        @Name("minDuration")
        @Label("Minimum Open Time")
        boolean minDuration(MinDuration setting) {
            return setting.accepts(openTime);
        }
    }

    @Name(PREFIX + "TaskRun")
    @Label("Task Run")
    @Category({"Fearless", "Scopes"})
    @Description("A task forked into a scope finished")
    @Enabled(false)
    @StackTrace(false)
    static final class TaskRun extends Event {
        @Label("Scope") String scope;
        @Label("Outcome") String outcome;
        @Label("Run Time") @Timespan(Timespan.NANOSECONDS) long runTime;

        @SettingDefinition
        @Name("minDuration")
        @Label("Minimum Run Time")
        boolean minDuration(MinDuration setting) {
            return setting.accepts(runTime);
        }
    }

    @Name(PREFIX + "LockWait")
    @Label("Lock Wait")
    @Category({"Fearless", "Locks"})
    @Description("A thread waited for a Fearless lock or handle, and got it or gave up")
    @Enabled(false)
    static final class LockWait extends Event {
        @Label("Lock") String lock;
        @Label("Lock Class") @Description("The class shared by many locks, if the lock has one") String lockClass;
        @Label("Acquired") boolean acquired;
        @Label("Outcome") String outcome;
        @Label("Contended") @Description("The lock was held by another thread when asked for") boolean contended;
        @Label("Wait Time") @Timespan(Timespan.NANOSECONDS) long waitTime;

        @SettingDefinition
        @Name("minDuration")
        @Label("Minimum Wait Time")
        boolean minDuration(MinDuration setting) {
            return setting.accepts(waitTime);
        }
    }

    @Name(PREFIX + "LockHold")
    @Label("Lock Hold")
    @Category({"Fearless", "Locks"})
    @Description("A Fearless lock or handle was released after being held")
    @Enabled(false)
    static final class LockHold extends Event {
        @Label("Lock") String lock;
        @Label("Lock Class") @Description("The class shared by many locks, if the lock has one") String lockClass;
        @Label("Hold Time") @Timespan(Timespan.NANOSECONDS) long holdTime;

        @SettingDefinition
        @Name("minDuration")
        @Label("Minimum Hold Time")
        boolean minDuration(MinDuration setting) {
            return setting.accepts(holdTime);
        }
    }

    @Name(PREFIX + "ChannelBlocked")
    @Label("Channel Blocked")
    @Category({"Fearless", "Channels"})
    @Description("A send or receive blocked before it completed")
    @Enabled(false)
    static final class ChannelBlocked extends Event {
        @Label("Channel") String channel;
        @Label("Operation") @Description("send or receive") String operation;
        @Label("Blocked Time") @Timespan(Timespan.NANOSECONDS) long blockedTime;

        @SettingDefinition
        @Name("minDuration")
        @Label("Minimum Blocked Time")
        boolean minDuration(MinDuration setting) {
            return setting.accepts(blockedTime);
        }
    }

    @Name(PREFIX + "ExecutorAdmission")
    @Label("Executor Admission Wait")
    @Category({"Fearless", "Executors"})
    @Description("A task submitted to a VirtualExecutor waited for a permit before it started")
    @Enabled(false)
    @StackTrace(false)
    static final class ExecutorAdmission extends Event {
        @Label("Executor") String executor;
        @Label("Wait Time") @Timespan(Timespan.NANOSECONDS) long waitTime;

        @SettingDefinition
        @Name("minDuration")
        @Label("Minimum Wait Time")
        boolean minDuration(MinDuration setting) {
            return setting.accepts(waitTime);
        }
    }

    @Name(PREFIX + "LockOrderViolation")
    @Label("Lock-Order Violation")
    @Category({"Fearless", "Locks"})
    @Description("The lock-order checker found an acquisition that closes a cycle")
    @Enabled(false)
    static final class LockOrderViolation extends Event {
        @Label("Cycle") String cycle;
        @Label("Report") String report;
    }

    @Name(PREFIX + "Deadlock")
    @Label("Deadlock")
    @Category({"Fearless", "Locks"})
    @Description("The deadlock watchdog found threads waiting for each other's locks")
    @Enabled(false)
    @StackTrace(false)
    static final class Deadlock extends Event {
        @Label("Cycle") String cycle;
        @Label("Report") String report;
    }

    @Name(PREFIX + "HandlePoisoned")
    @Label("Handle Poisoned")
    @Category({"Fearless", "Handles"})
    @Description("A closure failed while holding a Shared handle, which is now poisoned")
    @Enabled(false)
    static final class HandlePoisoned extends Event {
        @Label("Handle") String handle;
    }

    /** Every type, for registration with the recorder. */
    static final List<Class<? extends Event>> TYPES = List.of(ScopeClosed.class, TaskRun.class, LockWait.class,
            LockHold.class, ChannelBlocked.class, ExecutorAdmission.class, LockOrderViolation.class, Deadlock.class,
            HandlePoisoned.class);
}
