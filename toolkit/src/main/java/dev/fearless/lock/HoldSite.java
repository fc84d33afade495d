package dev.fearless.lock;

import java.io.Serial;

/**
 * Where a lock was taken: a stack trace captured at acquisition while the checker records hold
 * sites. Filling a throwable's backtrace is cheap compared with materializing stack trace
 * elements, which happens only when a report needs them.
 */
final class HoldSite extends Throwable {
    @Serial
    private static final long serialVersionUID = 1L;

    HoldSite() {
        super("lock taken here", null, false, true);
    }
}
