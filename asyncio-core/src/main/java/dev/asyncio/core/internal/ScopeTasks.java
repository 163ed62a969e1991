package dev.asyncio.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The tasks registered in one scope, as a lock-free stack of small entries: registering is one compare-and-set on the
 * head and one 24-byte entry; nothing is hashed and no table is ever resized or copied.
 *
 * <p>Entries are counted without an atomic update: each records how many were pushed up to it. Removing a task only
 * empties its entry (one write, no atomic update shared with other tasks), so the stack stops
 * referring to the task at once: an ended task nobody holds can be collected, which the unretrieved-failure watch
 * relies on. Empty entries are unlinked in batches, by one pruner at a time, whenever additions have doubled the
 * entries since the last prune; each prune's walk is paid for by the additions before it, and the stack holds at most
 * twice the entries left by the last prune (at least a small floor), plus those added while a prune runs, like a hash
 * table that never shrinks. The prune runs on a virtual thread of its own: its walk touches entries that finishing
 * tasks wrote, and the thread creating tasks, which is the bottleneck of a burst, should not wait for those reads.
 *
 * <p>Only the pruner writes the link of an entry already on the stack, and it only unlinks empty entries; an unlinked
 * entry keeps its own link, so a walker standing on it still reaches the rest of the stack. A walk therefore sees
 * every task that was added before the walk read the head and was not removed.
 */
final class ScopeTasks {
    /** Entries tolerated before the first prune, so that small scopes never prune. */
    static final int PRUNE_FLOOR = 64;

    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(ScopeTasks.class, "head", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * One registered task; emptied when the task is removed. The fields are plain on purpose: a node is published by
     * the compare-and-set that pushes it, and a walker reading a stale value sees either an ended task (which every
     * walker skips by its state) or an older link (whose chain still reaches every live task below it).
     */
    static final class Node {
        @Nullable
        RuntimeTask<?> task;

        @Nullable
        Node next;

        /**
         * How many nodes were ever pushed, this one included: the one below plus one. Counting this way costs the
         * pusher no atomic update; it wraps past {@code Integer.MAX_VALUE}, and differences stay right as long as
         * fewer than 2^31 entries are linked at once.
         */
        int pushed;

        Node(RuntimeTask<?> task) {
            this.task = task;
        }
    }

    @SuppressWarnings("UnusedVariable") // written through HEAD
    private volatile @Nullable Node head;

    /** How many nodes prunes have unlinked; written only by the pruner. Wraps like {@link Node#pushed}. */
    private volatile int unlinked;
    /** The entry count at which the next addition prunes. */
    private volatile int pruneAt = PRUNE_FLOOR;

    private final AtomicBoolean pruning = new AtomicBoolean();

    /** Adds a task that is in no scope yet, and records its entry in it; prunes when the entries have doubled. */
    void add(RuntimeTask<?> task) {
        Node node = new Node(task);
        task.scopeEntry = node; // plain: published by the compare-and-set below, see remove
        for (; ; ) {
            Node top = head;
            node.next = top;
            node.pushed = top == null ? 1 : top.pushed + 1;
            if (HEAD.compareAndSet(this, top, node)) {
                break;
            }
        }
        if (task.isDone()) {
            node.task = null; // it ended before its entry was published (cancelled by an observer of CREATED)
        }
        if (node.pushed - unlinked >= pruneAt && pruning.compareAndSet(false, true)) {
            try {
                Thread.startVirtualThread(this::prune);
            } catch (Throwable e) { // OutOfMemoryError: prune here instead
                prune();
            }
        }
    }

    /**
     * Removes a task; a task that ends before it was added (only an observer of its CREATED event can end it that
     * early) has no entry yet, and {@link #add} leaves it out instead. Of an ending and an addition that race, at
     * least one sees the other: the adder writes the entry, pushes it and then reads the task's state; the remover
     * writes the state, and if it finds no entry, reads the head before looking again. If the adder's state read
     * missed the ending, its push came before that ending in the synchronization order, so the remover's read of the
     * head sees the push and, through it, the entry. (A task ended by its own thread needs none of this: its thread
     * started after the addition.)
     */
    void remove(RuntimeTask<?> task) {
        Node entry = task.scopeEntry;
        if (entry == null && head != null) { // the read of the head (volatile) is what matters, see above
            entry = task.scopeEntry;
        }
        if (entry != null) {
            entry.task = null;
        }
    }

    /** Runs {@code action} for every task added and not removed, newest first. */
    void forEach(Consumer<RuntimeTask<?>> action) {
        for (Node node = head; node != null; node = node.next) {
            RuntimeTask<?> task = node.task;
            if (task != null) {
                action.accept(task);
            }
        }
    }

    /** {@return the tasks added and not removed, oldest first} */
    List<RuntimeTask<?>> snapshot() {
        List<RuntimeTask<?>> tasks = new ArrayList<>();
        forEach(tasks::add);
        Collections.reverse(tasks);
        return tasks;
    }

    /** {@return how many entries the stack holds, empty or not} */
    int entries() {
        Node top = head;
        return top == null ? 0 : top.pushed - unlinked;
    }

    /** Unlinks the empty entries below the head; called by the one thread that set {@code pruning}. */
    private void prune() {
        try {
            Node kept = head; // the head stays even when empty: only additions move the head
            if (kept == null) {
                return;
            }
            int top = kept.pushed;
            int removed = 0;
            for (Node node = kept.next; node != null; ) {
                Node next = node.next;
                if (node.task == null) {
                    kept.next = next;
                    removed++;
                } else {
                    kept = node;
                }
                node = next;
            }
            int total = unlinked + removed;
            unlinked = total;
            long left = top - total; // entries at or below the head this prune started from
            pruneAt = (int) Math.min(Integer.MAX_VALUE, Math.max(PRUNE_FLOOR, 2 * left));
        } finally {
            pruning.set(false);
        }
    }
}
