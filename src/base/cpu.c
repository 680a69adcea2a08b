/* cpu: which vector kernels run (see cpu.h). */
#include "base/cpu.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#ifndef ADEM_HAVE_AVX2
#define ADEM_HAVE_AVX2 0
#endif

/* -1 before the first question, then 0 or 1: what the machine can run */
static atomic_int machine_avx2 = -1;
/* 0 when cpu_limit(0) forbade the AVX2 kernels */
static atomic_int allowed = 1;

/* What the processor and the system can run, asked of the compiler's
 * run-time CPU check (it also checks that the system saves the 256-bit
 * registers), and what the environment allows. */
static int ask(void)
{
    const char *simd = getenv("ADEM_SIMD");
    if (simd && strcmp(simd, "sse2") == 0)
        return 0;
#if ADEM_HAVE_AVX2 && !defined(ADEM_NO_SIMD)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? 1 : 0;
#else
    return 0;
#endif
}

/* See cpu.h: the first question, made once. */
void cpu_init(void)
{
    if (atomic_load_explicit(&machine_avx2, memory_order_acquire) < 0)
        atomic_store_explicit(&machine_avx2, ask(), memory_order_release);
}

/* See cpu.h: lock-free (two atomic loads) after the first call. */
int cpu_avx2(void)
{
    int m = atomic_load_explicit(&machine_avx2, memory_order_acquire);
    if (m < 0) {
        cpu_init();
        m = atomic_load_explicit(&machine_avx2, memory_order_acquire);
    }
    return m && atomic_load_explicit(&allowed, memory_order_relaxed);
}

/* See cpu.h. */
void cpu_limit(int avx2)
{
    atomic_store_explicit(&allowed, avx2 ? 1 : 0, memory_order_relaxed);
}
