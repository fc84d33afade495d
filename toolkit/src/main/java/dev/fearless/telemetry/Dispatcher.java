package dev.fearless.telemetry;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans each event out to an immutable array of listeners, isolating the component from listener
 * failures: a listener's exception is logged (in full the first time, then at debug level) and
 * the remaining listeners still receive the event.
 */
final class Dispatcher implements TelemetryListener {

    private static final Logger log = LoggerFactory.getLogger(Telemetry.class);

    private final TelemetryListener[] listeners;
    private final boolean[] failedBefore; // benign race: at worst a failure is logged twice

    Dispatcher(List<TelemetryListener> listeners) {
        this.listeners = listeners.toArray(TelemetryListener[]::new);
        this.failedBefore = new boolean[this.listeners.length];
    }

    /*
     * Each event is a plain loop with the call inlined at its own call site: no lambda, so no
     * allocation and no megamorphic Consumer call per event, and with one listener (the common
     * case) the JIT sees a monomorphic call in a one-iteration loop.
     */

    /** Isolates a listener's failure: rethrows VM errors, logs the rest (in full once per listener). */
    private void failed(int index, Throwable failure) {
        if (failure instanceof VirtualMachineError vmError) {
            throw vmError;
        }
        if (!failedBefore[index]) {
            failedBefore[index] = true;
            log.warn("Telemetry listener {} threw; its later failures are logged at debug level",
                    listeners[index], failure);
        } else {
            log.debug("Telemetry listener {} threw again", listeners[index], failure);
        }
    }

    /** What a binding gets from a listener whose bind method threw: its events are dropped. */
    private static final LockTelemetry UNBOUND_LOCK = new LockTelemetry() {
        @Override
        public void acquired(long waitNanos, boolean contended) {}

        @Override
        public void released(long heldNanos) {}

        @Override
        public void abandoned(Outcome outcome, long waitNanos) {}

        @Override
        public boolean timesHolds() {
            return false;
        }
    };

    private static final ChannelTelemetry UNBOUND_CHANNEL = new ChannelTelemetry() {
        @Override
        public void sent(long blockedNanos) {}

        @Override
        public void received(long blockedNanos) {}
    };

    /**
     * Binds the lock with every listener, each isolated: a listener whose bindLock throws gets
     * none of this lock's events until the listener set changes.
     */
    @Override
    public LockTelemetry bindLock(String lock, @Nullable String lockClass, boolean shared) {
        TelemetryListener[] ls = listeners;
        LockTelemetry[] bound = new LockTelemetry[ls.length];
        boolean[] timed = new boolean[ls.length];
        boolean anyTimed = false;
        for (int i = 0; i < ls.length; i++) {
            try {
                LockTelemetry handle = ls[i].bindLock(lock, lockClass, shared);
                timed[i] = handle.timesHolds();
                bound[i] = handle;
            } catch (Throwable failure) {
                bound[i] = UNBOUND_LOCK;
                failed(i, failure);
            }
            anyTimed |= timed[i];
        }
        return new Locks(bound, timed, anyTimed);
    }

    /** As {@link #bindLock}, for a channel. */
    @Override
    public ChannelTelemetry bindChannel(String channel) {
        TelemetryListener[] ls = listeners;
        ChannelTelemetry[] bound = new ChannelTelemetry[ls.length];
        for (int i = 0; i < ls.length; i++) {
            try {
                bound[i] = ls[i].bindChannel(channel);
            } catch (Throwable failure) {
                bound[i] = UNBOUND_CHANNEL;
                failed(i, failure);
            }
        }
        return new Channels(bound);
    }

    /** One lock's handles, one per listener, isolated as the per-name events are. */
    private final class Locks implements LockTelemetry {
        private final LockTelemetry[] handles;
        private final boolean[] timed; // hold times go only to the handles that asked for them
        private final boolean anyTimed;

        Locks(LockTelemetry[] handles, boolean[] timed, boolean anyTimed) {
            this.handles = handles;
            this.timed = timed;
            this.anyTimed = anyTimed;
        }

        @Override
        public void acquired(long waitNanos, boolean contended) {
            LockTelemetry[] hs = handles;
            for (int i = 0; i < hs.length; i++) {
                try {
                    hs[i].acquired(waitNanos, contended);
                } catch (Throwable failure) {
                    failed(i, failure);
                }
            }
        }

        @Override
        public void released(long heldNanos) {
            LockTelemetry[] hs = handles;
            for (int i = 0; i < hs.length; i++) {
                if (timed[i]) {
                    try {
                        hs[i].released(heldNanos);
                    } catch (Throwable failure) {
                        failed(i, failure);
                    }
                }
            }
        }

        @Override
        public void abandoned(Outcome outcome, long waitNanos) {
            LockTelemetry[] hs = handles;
            for (int i = 0; i < hs.length; i++) {
                try {
                    hs[i].abandoned(outcome, waitNanos);
                } catch (Throwable failure) {
                    failed(i, failure);
                }
            }
        }

        @Override
        public boolean timesHolds() {
            return anyTimed;
        }
    }

    /** One channel's handles, one per listener, isolated as the per-name events are. */
    private final class Channels implements ChannelTelemetry {
        private final ChannelTelemetry[] handles;

        Channels(ChannelTelemetry[] handles) {
            this.handles = handles;
        }

        @Override
        public void sent(long blockedNanos) {
            ChannelTelemetry[] hs = handles;
            for (int i = 0; i < hs.length; i++) {
                try {
                    hs[i].sent(blockedNanos);
                } catch (Throwable failure) {
                    failed(i, failure);
                }
            }
        }

        @Override
        public void received(long blockedNanos) {
            ChannelTelemetry[] hs = handles;
            for (int i = 0; i < hs.length; i++) {
                try {
                    hs[i].received(blockedNanos);
                } catch (Throwable failure) {
                    failed(i, failure);
                }
            }
        }
    }

    @Override
    public void scopeOpened(String scope) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].scopeOpened(scope);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void scopeClosed(String scope, Outcome outcome, long durationNanos) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].scopeClosed(scope, outcome, durationNanos);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void taskForked(String scope) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].taskForked(scope);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void taskFinished(String scope, Outcome outcome, long durationNanos) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].taskFinished(scope, outcome, durationNanos);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void lockAcquired(String lock, long waitNanos, boolean contended) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].lockAcquired(lock, waitNanos, contended);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void lockReleased(String lock, long heldNanos) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].lockReleased(lock, heldNanos);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void lockAbandoned(String lock, Outcome outcome, long waitNanos) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].lockAbandoned(lock, outcome, waitNanos);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void lockAcquired(String lock, @Nullable String lockClass, long waitNanos, boolean contended) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].lockAcquired(lock, lockClass, waitNanos, contended);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void lockReleased(String lock, @Nullable String lockClass, long heldNanos) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].lockReleased(lock, lockClass, heldNanos);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void lockAbandoned(String lock, @Nullable String lockClass, Outcome outcome, long waitNanos) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].lockAbandoned(lock, lockClass, outcome, waitNanos);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void lockOrderViolation(List<String> cycle, String report) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].lockOrderViolation(cycle, report);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void deadlockDetected(List<String> cycle, String report) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].deadlockDetected(cycle, report);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void channelCreated(ChannelState channel) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].channelCreated(channel);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void channelSent(String channel, long blockedNanos) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].channelSent(channel, blockedNanos);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void channelReceived(String channel, long blockedNanos) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].channelReceived(channel, blockedNanos);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void channelClosed(String channel, Outcome outcome, int discarded) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].channelClosed(channel, outcome, discarded);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void handlePoisoned(String handle) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].handlePoisoned(handle);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void handleLeaked(String handle, String kind) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].handleLeaked(handle, kind);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void executorCreated(ExecutorState executor) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].executorCreated(executor);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void executorSubmitted(String executor) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].executorSubmitted(executor);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void executorRejected(String executor) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].executorRejected(executor);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void executorStarted(String executor, long waitNanos) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].executorStarted(executor, waitNanos);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public void executorFinished(String executor, Outcome outcome, long runNanos) {
        TelemetryListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            try {
                ls[i].executorFinished(executor, outcome, runNanos);
            } catch (Throwable failure) {
                failed(i, failure);
            }
        }
    }

    @Override
    public String toString() {
        return "Dispatcher" + List.of(listeners);
    }
}
