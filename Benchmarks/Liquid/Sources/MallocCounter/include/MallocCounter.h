#ifndef MALLOC_COUNTER_H
#define MALLOC_COUNTER_H
#include <stdint.h>

/// Number of allocations (malloc, calloc, realloc, aligned allocations) since the process started.
uint64_t malloc_counter_allocations(void);

#endif
