package dev.asyncio.core.internal;

import org.jspecify.annotations.Nullable;

/**
 * The task and scope the calling thread is in, in one thread-local. Each task has its own virtual thread, so a
 * thread-local is a task-local here.
 *
 * <p>On a task's thread the thread-local holds the {@link RuntimeTask} itself, which keeps its innermost scope and
 * whether it is still current (so entering and leaving allocate nothing and remove nothing); on any other thread it
 * holds the innermost {@link RuntimeScope}, or nothing outside every scope.
 */
public final class Current {
    private static final ThreadLocal<@Nullable Object> SLOT = new ThreadLocal<>();

    private Current() {}

    /** {@return the task running on the calling thread, or null} */
    public static @Nullable RuntimeTask<?> task() {
        return SLOT.get() instanceof RuntimeTask<?> task && task.current ? task : null;
    }

    /** {@return the innermost scope of the calling thread, or null} */
    public static @Nullable RuntimeScope scope() {
        Object slot = SLOT.get();
        if (slot instanceof RuntimeTask<?> task) {
            return task.current ? task.innerScope : null;
        }
        return (RuntimeScope) slot;
    }

    /** Makes {@code task}, in its own scope, current on its new thread. */
    static void enter(RuntimeTask<?> task) {
        task.innerScope = task.scope;
        task.current = true;
        SLOT.set(task);
    }

    /** Ends the current task's turn on its thread; what runs after sees no current task or scope. */
    static void leave(RuntimeTask<?> task) {
        task.current = false;
    }

    /** Makes {@code scope} current and returns the scope it replaces. */
    static @Nullable RuntimeScope swapScope(@Nullable RuntimeScope scope) {
        Object slot = SLOT.get();
        if (slot instanceof RuntimeTask<?> task && task.current) {
            RuntimeScope previous = task.innerScope;
            task.innerScope = scope;
            return previous;
        }
        // a plain thread, or a task's thread after its task has left: the thread-local holds the scope itself
        RuntimeScope previous = slot instanceof RuntimeScope outer ? outer : null;
        if (scope == null) {
            SLOT.remove(); // leaving the last scope keeps nothing
        } else {
            SLOT.set(scope);
        }
        return previous;
    }

    /** Runs {@code action} with no current task or scope and no interrupt set, then restores all three. */
    static void outside(Runnable action) {
        Object slot = SLOT.get();
        boolean wasCurrent = slot instanceof RuntimeTask<?> task && task.current;
        boolean interrupted = Thread.interrupted();
        if (slot instanceof RuntimeTask<?> task) {
            task.current = false;
        } else if (slot != null) {
            SLOT.remove();
        }
        try {
            action.run();
        } finally {
            if (slot instanceof RuntimeTask<?> task) {
                task.current = wasCurrent;
            }
            if (slot != null) {
                SLOT.set(slot);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
