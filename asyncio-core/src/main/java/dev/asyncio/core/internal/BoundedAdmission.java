package dev.asyncio.core.internal;

import dev.asyncio.core.Priority;
import dev.asyncio.core.TaskState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * At most {@code limit} {@code WORK} and {@code CONTROL} tasks hold a slot at once. Slots go first to tasks resuming
 * after a wait in the runtime, then to queued {@code CONTROL} tasks, then to queued {@code WORK} tasks, each in FIFO
 * order. {@code SYSTEM} tasks bypass admission. Threads are started outside the lock.
 */
final class BoundedAdmission implements Admission {
    private final int limit;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashSet<RuntimeTask<?>> resuming = new LinkedHashSet<>();
    private final LinkedHashSet<RuntimeTask<?>> control = new LinkedHashSet<>();
    private final LinkedHashSet<RuntimeTask<?>> work = new LinkedHashSet<>();
    private int running;

    BoundedAdmission(int limit) {
        this.limit = limit;
    }

    @Override
    public int limit() {
        return limit;
    }

    @Override
    public void submit(RuntimeTask<?> task) {
        if (task.priority() == Priority.SYSTEM) {
            task.start(false);
            return;
        }
        lock.lock();
        try {
            if (task.state() != TaskState.PENDING) {
                return;
            }
            if (running < limit && resuming.isEmpty() && control.isEmpty() && work.isEmpty()) {
                running++;
                task.holdsSlot = true;
            } else {
                queueOf(task).add(task);
                return;
            }
        } finally {
            lock.unlock();
        }
        task.start(false);
    }

    @Override
    public void withdraw(RuntimeTask<?> task) {
        if (task.priority() == Priority.SYSTEM) {
            return;
        }
        lock.lock();
        try {
            queueOf(task).remove(task);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean release(RuntimeTask<?> task) {
        List<RuntimeTask<?>> toStart;
        lock.lock();
        try {
            if (!task.holdsSlot) {
                return false;
            }
            task.holdsSlot = false;
            running--;
            toStart = grant();
        } finally {
            lock.unlock();
        }
        toStart.forEach(queued -> queued.start(true));
        return true;
    }

    @Override
    public void reacquire(RuntimeTask<?> task) {
        if (task.priority() == Priority.SYSTEM) {
            return;
        }
        boolean interrupted = false;
        lock.lock();
        try {
            if (task.holdsSlot) {
                return;
            }
            if ((running < limit && resuming.isEmpty()) || task.isCancelRequested()) {
                running++; // a cancelled task takes its slot back at once, even over the limit, to unwind
                task.holdsSlot = true;
                return;
            }
            resuming.add(task);
            while (!task.holdsSlot) {
                if (task.isCancelRequested()) {
                    resuming.remove(task);
                    running++;
                    task.holdsSlot = true;
                    break;
                }
                lock.unlock();
                try {
                    LockSupport.park(this);
                    interrupted |= Thread.interrupted();
                } finally {
                    lock.lock();
                }
            }
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Hands free slots out; returns the queued tasks to start once the lock is released. */
    private List<RuntimeTask<?>> grant() {
        List<RuntimeTask<?>> toStart = List.of();
        while (running < limit) {
            if (!resuming.isEmpty()) {
                RuntimeTask<?> task = resuming.removeFirst();
                running++;
                task.holdsSlot = true;
                LockSupport.unpark(Objects.requireNonNull(task.thread()));
                continue;
            }
            LinkedHashSet<RuntimeTask<?>> queue = !control.isEmpty() ? control : work;
            if (queue.isEmpty()) {
                break;
            }
            RuntimeTask<?> task = queue.removeFirst();
            if (task.state() != TaskState.PENDING) {
                continue; // cancelled between queueing and now
            }
            running++;
            task.holdsSlot = true;
            if (toStart.isEmpty()) {
                toStart = new ArrayList<>(2);
            }
            toStart.add(task);
        }
        return toStart;
    }

    private LinkedHashSet<RuntimeTask<?>> queueOf(RuntimeTask<?> task) {
        return task.priority() == Priority.CONTROL ? control : work;
    }
}
