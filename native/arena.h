/*
 * Shared by the WebAssembly modules (native/frst.c, native/kernels.c): freestanding memset/memcpy and a bump
 * allocator on top of __heap_base that grows the linear memory. Each module includes this once and names its two
 * exports with ARENA_EXPORTS(reset_name, alloc_name); its driver resets the arena at the start of every call.
 */
#ifndef DRGRADE_ARENA_H
#define DRGRADE_ARENA_H

#include <stdint.h>

extern unsigned char __heap_base;
static uint32_t heap_top;

/* Freestanding replacements for libc; with -mbulk-memory these builtins lower to memory.fill / memory.copy. */
void *memset(void *dst, int value, unsigned long bytes) {
  __builtin_memset(dst, value, bytes);
  return dst;
}

void *memcpy(void *dst, const void *src, unsigned long bytes) {
  __builtin_memcpy(dst, src, bytes);
  return dst;
}

static void arena_reset(void) { heap_top = (uint32_t)(uintptr_t)&__heap_base; }

/* Allocates `bytes` (64-byte aligned), growing the memory as needed; returns 0 when the memory cannot grow. */
static void *arena_alloc(uint32_t bytes) {
  if (heap_top == 0) arena_reset();
  uint64_t start = ((uint64_t)heap_top + 63u) & ~(uint64_t)63u;
  uint64_t end = start + bytes;
  if (end > 0xFFFF0000ull) return 0;
  uint64_t have = (uint64_t)__builtin_wasm_memory_size(0) << 16;
  if (end > have) {
    uint64_t pages = (end - have + 65535u) >> 16;
    if (__builtin_wasm_memory_grow(0, (unsigned long)pages) == (unsigned long)-1) return 0;
  }
  heap_top = (uint32_t)end;
  return (void *)(uintptr_t)start;
}

/* The module's exports: reset (forget every allocation, keep the memory) and alloc. */
#define ARENA_EXPORTS(reset_name, alloc_name)                                                                  \
  __attribute__((export_name(#reset_name))) void reset_name(void) { arena_reset(); }                          \
  __attribute__((export_name(#alloc_name))) void *alloc_name(uint32_t bytes) { return arena_alloc(bytes); }

#endif
