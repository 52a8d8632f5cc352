/* Two halves of a job on two threads: see lleval/parallel.h. */
#include "lleval/parallel.h"

#include <pthread.h>

void ll_parallel_two(void *(*fn)(void *), void *first, void *second)
{
    pthread_t th;
    int threaded = pthread_create(&th, NULL, fn, second) == 0;
    fn(first);
    if (threaded)
        pthread_join(th, NULL);
    else
        fn(second);
}
