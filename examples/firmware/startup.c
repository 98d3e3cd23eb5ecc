/* Start-up code of the example: the vector table, the reset handler (copy
 * .data, zero .bss and the model's arena, enable the FPU, open semihosting)
 * and the SysTick handler that extends its 24-bit counter. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* From the linker script (firmware.ld). */
extern uint32_t __stack_top, __data_start__, __data_end__, __data_load__;
extern uint32_t __bss_start__, __bss_end__, __arena_start__, __arena_end__;

extern int main(void);
extern void initialise_monitor_handles(void);

/* SysTick wraps since it was started: main.c's cycle count. */
volatile uint32_t systick_wraps;

void Reset_Handler(void);
void SysTick_Handler(void) { ++systick_wraps; }
void Fault_Handler(void) {
  printf("fault: cfsr=0x%08lx\n", *(volatile unsigned long *)0xE000ED28);
  exit(3);
}

__attribute__((section(".vectors"), used)) void (*const vectors[16])(void) = {
    (void (*)(void))&__stack_top,
    Reset_Handler,
    Fault_Handler, /* NMI */
    Fault_Handler, /* HardFault */
    Fault_Handler, /* MemManage */
    Fault_Handler, /* BusFault */
    Fault_Handler, /* UsageFault */
    Fault_Handler, /* SecureFault (ARMv8-M) */
    0,
    0,
    0,
    Fault_Handler, /* SVCall */
    Fault_Handler, /* DebugMonitor */
    0,
    Fault_Handler, /* PendSV */
    SysTick_Handler,
};

static void zero(uint32_t *from, uint32_t *to) {
  while (from < to)
    *from++ = 0;
}

void Reset_Handler(void) {
  uint32_t *src = &__data_load__;
  for (uint32_t *dst = &__data_start__; dst < &__data_end__;)
    *dst++ = *src++;
  zero(&__bss_start__, &__bss_end__);
  /* The arena is zero-initialised like any .bss; the linker script puts it
   * in a NOLOAD section of its own. */
  zero(&__arena_start__, &__arena_end__);
  /* CPACR: full access to CP10 and CP11 (the FPU, and Helium on M55). */
  *(volatile uint32_t *)0xE000ED88 |= 0xFu << 20;
  __asm volatile("dsb\n\tisb");
  initialise_monitor_handles();
  exit(main());
}

/* newlib's init/fini hooks; nothing to run. */
void _init(void) {}
void _fini(void) {}
