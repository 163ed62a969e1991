package dev.asyncio.core.internal;

/**
 * Decides when a task may run. Without a limit every task starts at once; with one, tasks queue by priority and a
 * task gives its slot back while it waits in the runtime for other tasks.
 */
interface Admission {

    /** Starts the task, or queues it until a slot frees. */
    void submit(RuntimeTask<?> task);

    /** Removes a task cancelled while queued. */
    void withdraw(RuntimeTask<?> task);

    /** Gives back the task's slot, if it holds one, and admits the next waiter; returns whether it held one. */
    boolean release(RuntimeTask<?> task);

    /** Takes a slot again after {@link #release}, ahead of queued tasks; a cancelled task takes one at once. */
    void reacquire(RuntimeTask<?> task);

    /** {@return the limit, or 0 for none} */
    int limit();

    /** {@return the admission for a limit, 0 meaning none} */
    static Admission withLimit(int limit) {
        return limit == 0 ? Unlimited.INSTANCE : new BoundedAdmission(limit);
    }

    /** Every task starts at once; nothing to count. */
    enum Unlimited implements Admission {
        INSTANCE;

        @Override
        public void submit(RuntimeTask<?> task) {
            task.start(false);
        }

        @Override
        public void withdraw(RuntimeTask<?> task) {}

        @Override
        public boolean release(RuntimeTask<?> task) {
            return false;
        }

        @Override
        public void reacquire(RuntimeTask<?> task) {}

        @Override
        public int limit() {
            return 0;
        }
    }
}
