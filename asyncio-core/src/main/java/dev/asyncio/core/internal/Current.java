package dev.asyncio.core.internal;

import org.jspecify.annotations.Nullable;

/**
 * The task and scope the calling thread is in, as one thread-local frame. Each task has its own virtual thread, so a
 * thread-local is a task-local here.
 */
public final class Current {
    private static final ThreadLocal<@Nullable Frame> FRAME = new ThreadLocal<>();

    private Current() {}

    /** The calling thread's task (null on other threads) and innermost scope (null outside any). */
    private static final class Frame {
        final @Nullable RuntimeTask<?> task;

        @Nullable
        RuntimeScope scope;

        Frame(@Nullable RuntimeTask<?> task, @Nullable RuntimeScope scope) {
            this.task = task;
            this.scope = scope;
        }
    }

    /** {@return the task running on the calling thread, or null} */
    public static @Nullable RuntimeTask<?> task() {
        Frame frame = FRAME.get();
        return frame == null ? null : frame.task;
    }

    /** {@return the innermost scope of the calling thread, or null} */
    public static @Nullable RuntimeScope scope() {
        Frame frame = FRAME.get();
        return frame == null ? null : frame.scope;
    }

    static void enter(RuntimeTask<?> task, RuntimeScope scope) {
        FRAME.set(new Frame(task, scope));
    }

    static void leave() {
        FRAME.remove();
    }

    /** Makes {@code scope} current and returns the scope it replaces. */
    static @Nullable RuntimeScope swapScope(@Nullable RuntimeScope scope) {
        Frame frame = FRAME.get();
        if (frame == null) {
            if (scope != null) {
                FRAME.set(new Frame(null, scope));
            }
            return null;
        }
        RuntimeScope previous = frame.scope;
        if (scope == null && frame.task == null) {
            FRAME.remove(); // a plain thread leaving its last scope keeps no frame
        } else {
            frame.scope = scope;
        }
        return previous;
    }

    /** Runs {@code action} with no current task or scope and no interrupt set, then restores all three. */
    static void outside(Runnable action) {
        Frame frame = FRAME.get();
        boolean interrupted = Thread.interrupted();
        FRAME.remove();
        try {
            action.run();
        } finally {
            if (frame != null) {
                FRAME.set(frame);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
