package dev.fearless.bridge;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;

/** The two kinds of thread every conformance test runs with. */
enum Threads {
    VIRTUAL {
        @Override
        Thread.Builder builder() {
            return Thread.ofVirtual();
        }
    },
    PLATFORM {
        @Override
        Thread.Builder builder() {
            return Thread.ofPlatform().daemon();
        }
    };

    abstract Thread.Builder builder();

    ThreadFactory factory() {
        return builder().factory();
    }

    boolean isKindOf(Thread thread) {
        return thread.isVirtual() == (this == VIRTUAL);
    }

    /** A factory of this kind that remembers every thread it made. */
    static final class Recording implements ThreadFactory {
        final List<Thread> made = new CopyOnWriteArrayList<>();
        private final ThreadFactory delegate;

        Recording(Threads kind) {
            this.delegate = kind.factory();
        }

        Recording(ThreadFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = delegate.newThread(task);
            made.add(thread);
            return thread;
        }
    }
}
