package dev.asyncio.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-shot latch with callbacks: threads wait for {@link #release}, callbacks run at release in the order they were
 * added and are handed the released subject (so a caller needs no wrapper to know what was released). Lock-free:
 * waiters and callbacks form a Treiber stack that release swaps for a sentinel.
 *
 * <p>Release runs every callback before it wakes the waiters that were parked, so what a woken waiter does next
 * happens after every callback has seen this release. A waiter that arrives while the callbacks run does not wait for
 * them (it finds the signal released), which is why gather and task groups order failures by {@link
 * RuntimeTask#endingOrder}, not by when their callbacks ran.
 *
 * <p>{@link RuntimeTask} extends it rather than holding one, so that the waiters live in the task object itself: one
 * object fewer per task, and one cache line fewer to touch when a task ends or is gathered.
 */
abstract class DoneSignal {
    private static final Logger log = LoggerFactory.getLogger(DoneSignal.class);
    private static final Object RELEASED = new Object();
    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(DoneSignal.class, "head", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Null, the top {@link Node} of the stack, or {@link #RELEASED}. */
    @SuppressWarnings("UnusedVariable") // accessed through HEAD
    private volatile @Nullable Object head;

    private record Node(
            @Nullable Thread waiter,
            @Nullable Consumer<Object> callback,
            @Nullable Node next) {}

    /** {@return whether {@link #release} has been called} */
    final boolean isReleased() {
        return head == RELEASED;
    }

    /** Adds a callback to run on release; returns false, without adding it, if already released. */
    final boolean whenReleased(Consumer<Object> callback) {
        return push(null, callback);
    }

    /** Waits for release. */
    final void awaitRelease() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (!push(Thread.currentThread(), null)) {
            return;
        }
        while (head != RELEASED) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /** Waits for release at most {@code nanos}; returns whether it was released. */
    final boolean awaitRelease(long nanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (head == RELEASED) {
            return true;
        }
        if (nanos <= 0) {
            return false;
        }
        long deadline = System.nanoTime() + nanos;
        if (!push(Thread.currentThread(), null)) {
            return true;
        }
        while (head != RELEASED) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(this, left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        return true;
    }

    /** Waits for release whatever interrupts arrive; returns whether the thread was interrupted meanwhile. */
    final boolean awaitReleaseUninterruptibly() {
        boolean interrupted = false;
        if (!push(Thread.currentThread(), null)) {
            return false;
        }
        while (head != RELEASED) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted();
        }
        return interrupted;
    }

    /**
     * Runs callbacks with {@code subject}, then wakes waiters, once; later calls do nothing. A callback that throws is
     * logged with the subject and does not stop the others.
     */
    final void release(Object subject) {
        Object top = HEAD.getAndSet(this, RELEASED);
        if (top == RELEASED || top == null) {
            return;
        }
        Node node = (Node) top;
        if (node.next() == null) { // the common case: one waiter or one callback
            notify(node, subject);
            return;
        }
        int count = 0;
        for (Node n = node; n != null; n = n.next()) {
            count++;
        }
        Node[] inOrder = new Node[count];
        for (Node n = node; n != null; n = n.next()) {
            inOrder[--count] = n;
        }
        for (Node n : inOrder) {
            if (n.callback() != null) {
                notify(n, subject);
            }
        }
        for (Node n : inOrder) {
            if (n.waiter() != null) {
                notify(n, subject);
            }
        }
    }

    private static void notify(Node node, Object subject) {
        Thread waiter = node.waiter();
        Consumer<Object> callback = node.callback();
        if (waiter != null) {
            LockSupport.unpark(waiter);
        } else if (callback != null) {
            Thread.interrupted(); // each callback starts with no interrupt set, whatever came before it
            try {
                callback.accept(subject);
            } catch (Throwable e) {
                log.error("A done callback of {} threw", subject, e);
            }
        }
    }

    private boolean push(@Nullable Thread waiter, @Nullable Consumer<Object> callback) {
        for (; ; ) {
            Object top = head;
            if (top == RELEASED) {
                return false;
            }
            if (HEAD.compareAndSet(this, top, new Node(waiter, callback, (Node) top))) {
                return true;
            }
        }
    }
}
