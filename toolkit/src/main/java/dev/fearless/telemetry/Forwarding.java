package dev.fearless.telemetry;

import org.jspecify.annotations.Nullable;

/**
 * The default bindings: handles that forward to a listener's per-name methods, for listeners that
 * do not bind components themselves.
 */
final class Forwarding {

    private Forwarding() {}

    /** Forwards a lock's events; times holds only if the listener overrides a lockReleased method. */
    static final class Lock implements LockTelemetry {
        private final TelemetryListener listener;
        private final String lock;
        private final @Nullable String lockClass;
        private final boolean timesHolds;

        Lock(TelemetryListener listener, String lock, @Nullable String lockClass) {
            this.listener = listener;
            this.lock = lock;
            this.lockClass = lockClass;
            this.timesHolds = overrides(listener, "lockReleased", String.class, String.class, long.class)
                    || overrides(listener, "lockReleased", String.class, long.class);
        }

        @Override
        public void acquired(long waitNanos, boolean contended) {
            listener.lockAcquired(lock, lockClass, waitNanos, contended);
        }

        @Override
        public void released(long heldNanos) {
            listener.lockReleased(lock, lockClass, heldNanos);
        }

        @Override
        public void abandoned(Outcome outcome, long waitNanos) {
            listener.lockAbandoned(lock, lockClass, outcome, waitNanos);
        }

        @Override
        public boolean timesHolds() {
            return timesHolds;
        }
    }

    /** Forwards a channel's events. */
    static final class Channel implements ChannelTelemetry {
        private final TelemetryListener listener;
        private final String channel;

        Channel(TelemetryListener listener, String channel) {
            this.listener = listener;
            this.channel = channel;
        }

        @Override
        public void sent(long blockedNanos) {
            listener.channelSent(channel, blockedNanos);
        }

        @Override
        public void received(long blockedNanos) {
            listener.channelReceived(channel, blockedNanos);
        }
    }

    /**
     * Whether the listener's class overrides a method of {@link TelemetryListener}. Asked once per
     * binding, so a listener that never looks at hold times costs no clock reads for them.
     */
    static boolean overrides(TelemetryListener listener, String method, Class<?>... parameters) {
        try {
            return listener.getClass().getMethod(method, parameters).getDeclaringClass() != TelemetryListener.class;
        } catch (NoSuchMethodException e) {
            throw new AssertionError("TelemetryListener declares " + method, e);
        }
    }
}
