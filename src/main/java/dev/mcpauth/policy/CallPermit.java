package dev.mcpauth.policy;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** What an admitted call holds until it ends: its places among the concurrent calls. Releasing twice is harmless. */
public final class CallPermit {

    static final CallPermit NONE = new CallPermit(List.of());

    private final List<Runnable> onRelease;
    private final AtomicBoolean released = new AtomicBoolean();

    CallPermit(List<Runnable> onRelease) {
        this.onRelease = onRelease;
    }

    public void release() {
        if (!onRelease.isEmpty() && released.compareAndSet(false, true)) {
            onRelease.forEach(Runnable::run);
        }
    }
}
