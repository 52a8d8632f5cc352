/* Two halves of a job on the machine's two cores.  The large steps of
 * evaluate (the candidate rows, their sort, the propensity fit) split
 * their work into two independent halves, each writing only its own
 * memory; every result is the same as one thread's. */
#ifndef LLEVAL_PARALLEL_H
#define LLEVAL_PARALLEL_H

/* Runs fn(second) on a new thread and fn(first) on the calling one, and
 * returns when both have returned.  When no thread can be made, runs both
 * on the calling thread, first then second: fn must give the same results
 * either way.  Never fails. */
void ll_parallel_two(void *(*fn)(void *), void *first, void *second);

#endif
