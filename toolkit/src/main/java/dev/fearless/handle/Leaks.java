package dev.fearless.handle;

import dev.fearless.telemetry.Telemetry;
import dev.fearless.telemetry.TelemetryListener;
import java.lang.ref.Cleaner;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Leak tracking of guards and moved values through a Cleaner; see {@link Diagnostics}. */
final class Leaks {

    /*
     * Implementation overview: a tracked object (a guard or a Moved token) registers a Tracker
     * with the Cleaner; the Tracker must not reference the tracked object, or it would never
     * become phantom reachable. Closing or receiving marks the tracker done and cleans it at once,
     * which unregisters it (Cleanable.clean runs the action at most once), so a well-behaved
     * object costs one registration and one removal and the cleaner thread never sees it. An
     * object that becomes unreachable while its tracker is not done is reported by the cleaner
     * thread.
     */

    private static final Logger log = LoggerFactory.getLogger(Diagnostics.class);
    private static final Cleaner CLEANER = Cleaner.create(
            Thread.ofPlatform().name("fearless-leak-detector").daemon(true).factory());

    private Leaks() {}

    /** Tracks a new guard if the mode (and, when sampled, chance) says so. */
    static @Nullable Tracker guard(Object guard, String name, String handle) {
        Diagnostics.LeakDetection mode = Diagnostics.leakDetection;
        if (mode == Diagnostics.LeakDetection.OFF
                || (mode == Diagnostics.LeakDetection.SAMPLED
                        && ThreadLocalRandom.current().nextInt(Diagnostics.SAMPLE_INTERVAL) != 0)) {
            return null;
        }
        Sites.Site site = Sites.capture("guard of " + handle + " taken");
        return new Tracker(guard, "guard", name, site,
                "a guard of " + handle + " was never closed, so its lock or borrow was never released");
    }

    /** Tracks a moved value unless leak detection is off. */
    static @Nullable Tracker move(Object token, String name, String handle, Sites.Site site) {
        if (Diagnostics.leakDetection == Diagnostics.LeakDetection.OFF) {
            return null;
        }
        return new Tracker(token, "move", name, site,
                "a value moved out of " + handle + " was never received, so it is lost");
    }

    /** The cleaning action: reports unless done. Holds no reference to the tracked object. */
    static final class Tracker implements Runnable {
        private final String kind;
        private final String name;
        private final Sites.Site site;
        private final String message;
        private final Cleaner.Cleanable cleanable;
        private volatile boolean done;

        Tracker(Object tracked, String kind, String name, Sites.Site site, String message) {
            this.kind = kind;
            this.name = name;
            this.site = site;
            this.message = message;
            this.cleanable = CLEANER.register(tracked, this);
        }

        /** The tracked object was closed or received: never report it. */
        void done() {
            done = true;
            cleanable.clean();
        }

        @Override
        public void run() {
            if (done) {
                return;
            }
            log.warn("Leak: {}; it was created at the stack below. Close guards with try-with-resources and"
                    + " receive every Owned.Moved value.", message, site);
            TelemetryListener listener = Telemetry.listener();
            if (listener != null) {
                listener.handleLeaked(name, kind);
            }
        }
    }
}
