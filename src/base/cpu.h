/* cpu: which of adem's vector kernels this machine runs. adem has a plain
 * path (SSE2 on x86-64, plain C elsewhere) and, on x86-64 builds with GCC or
 * Clang (ADEM_HAVE_AVX2), kernels eight lanes wide for machines with AVX2.
 * Both give the same bits (ctest synth_avx2, test_out_file), so the choice
 * changes the speed, never the sound. */
#ifndef ADEM_CPU_H
#define ADEM_CPU_H

/* 1 when the AVX2 kernels are built in, the processor and the system can run
 * them, and neither the environment variable ADEM_SIMD=sse2 nor cpu_limit
 * forbids them. Asked of the processor once; thread-safe, audio-thread safe
 * after the first call (which the control thread makes, see cpu_init). */
int cpu_avx2(void);

/* Makes the first call of cpu_avx2 (reads the environment); call it on the
 * control thread before any audio thread starts. */
void cpu_init(void);

/* For tests: avx2 = 0 makes cpu_avx2 return 0 from now on; 1 lets it say
 * what the machine can do again. */
void cpu_limit(int avx2);

#endif
