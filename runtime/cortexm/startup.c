/* Bare-metal startup for QEMU's Cortex-M4/M7 boards: vector table, reset
 * handler (copy .data, zero .bss, enable the FPU, set up semihosting), and
 * the SysTick handler that extends the 24-bit counter for instruction
 * counting. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

extern uint32_t _estack;
extern uint32_t __data_start__, __data_end__, __data_load__;
extern uint32_t __bss_start__, __bss_end__;

extern int main(void);
extern void initialise_monitor_handles(void);

/* Number of times SysTick wrapped; read by the harness. */
volatile uint32_t pex_systick_wraps;

void Reset_Handler(void);
void SysTick_Handler(void) { ++pex_systick_wraps; }

static void fault(const char *what) {
  printf("pex-harness: %s\n", what);
  exit(3);
}
void HardFault_Handler(void) { fault("hard fault"); }
void MemManage_Handler(void) { fault("memory management fault"); }
void BusFault_Handler(void) { fault("bus fault"); }
void UsageFault_Handler(void) { fault("usage fault"); }
void Default_Handler(void) { fault("unexpected interrupt"); }

__attribute__((section(".vectors"), used)) void (*const pex_vectors[16])(void) = {
    (void (*)(void))&_estack, Reset_Handler,      Default_Handler,
    HardFault_Handler,        MemManage_Handler,  BusFault_Handler,
    UsageFault_Handler,       0,                  0,
    0,                        0,                  Default_Handler,
    Default_Handler,          0,                  Default_Handler,
    SysTick_Handler,
};

void Reset_Handler(void) {
  uint32_t *src = &__data_load__;
  for (uint32_t *dst = &__data_start__; dst < &__data_end__;)
    *dst++ = *src++;
  for (uint32_t *dst = &__bss_start__; dst < &__bss_end__;)
    *dst++ = 0;
  /* CPACR: full access to CP10 and CP11 (the FPU). */
  *(volatile uint32_t *)0xE000ED88 |= 0xFu << 20;
  __asm volatile("dsb\n\tisb");
  initialise_monitor_handles();
  exit(main());
}

/* newlib's init/fini hooks; nothing to run. */
void _init(void) {}
void _fini(void) {}
void *__dso_handle = 0;
