/* Bare-metal startup for QEMU's Cortex-M4/M7/M33/M55 boards: vector table,
 * reset handler (copy .data, zero .bss, enable the FPU, set up semihosting),
 * and the SysTick handler that extends the 24-bit counter for instruction
 * counting. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

extern uint32_t _estack;
extern uint32_t __data_start__, __data_end__, __data_load__;
extern uint32_t __bss_start__, __bss_end__;

extern int main(void);
extern void initialise_monitor_handles(void);

/* Number of times SysTick wrapped; read by the harness. In the harness's
 * writable section: the handler runs while the write check is on. */
__attribute__((section(".pex_rw"))) volatile uint32_t pex_systick_wraps;

void Reset_Handler(void);
void SysTick_Handler(void) { ++pex_systick_wraps; }

static void fault(const char *what) {
  printf("pex-harness: %s\n", what);
  exit(3);
}
/* Called by the fault handlers with the exception stack frame (r0-r3, r12,
 * lr, pc, xpsr): the faulting instruction and the fault status registers
 * (CFSR, HFSR, MMFAR, BFAR) say what went wrong and where. */
void pex_report_fault(const uint32_t *frame, const char *what) {
  /* The write check's MPU off first: reporting writes memory. */
  *(volatile uint32_t *)0xE000ED94 = 0;
  __asm volatile("dsb\n\tisb");
  volatile const uint32_t *scb = (volatile const uint32_t *)0xE000ED28;
  printf("pex-harness: %s at pc=0x%08lx lr=0x%08lx cfsr=0x%08lx "
         "hfsr=0x%08lx mmfar=0x%08lx bfar=0x%08lx\n",
         what, (unsigned long)frame[6], (unsigned long)frame[5],
         (unsigned long)scb[0], (unsigned long)scb[1], (unsigned long)scb[3],
         (unsigned long)scb[4]);
  exit(3);
}

/* The frame is on the main or the process stack, as bit 2 of EXC_RETURN
 * says. */
#define PEX_FAULT_HANDLER(name, what)                                         \
  __attribute__((used)) static const char name##_what[] = what;                                   \
  __attribute__((naked)) void name(void) {                                    \
    __asm volatile("tst lr, #4\n\t"                                           \
                   "ite eq\n\t"                                               \
                   "mrseq r0, msp\n\t"                                        \
                   "mrsne r0, psp\n\t"                                        \
                   "ldr r1, =" #name "_what\n\t"                              \
                   "b pex_report_fault\n\t"                                   \
                   ".ltorg");                                                 \
  }
PEX_FAULT_HANDLER(HardFault_Handler, "hard fault")
PEX_FAULT_HANDLER(MemManage_Handler, "memory management fault")
PEX_FAULT_HANDLER(BusFault_Handler, "bus fault")
PEX_FAULT_HANDLER(UsageFault_Handler, "usage fault")
/* ARMv8-M with the Security Extension (Cortex-M33, M55); reserved before. */
PEX_FAULT_HANDLER(SecureFault_Handler, "secure fault")
void Default_Handler(void) { fault("unexpected interrupt"); }

__attribute__((section(".vectors"), used)) void (*const pex_vectors[16])(void) = {
    (void (*)(void))&_estack, Reset_Handler,      Default_Handler,
    HardFault_Handler,        MemManage_Handler,  BusFault_Handler,
    UsageFault_Handler,       SecureFault_Handler, 0,
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
  /* CPACR: full access to CP10 and CP11 (the FPU, and Helium on M55). */
  *(volatile uint32_t *)0xE000ED88 |= 0xFu << 20;
  __asm volatile("dsb\n\tisb");
  initialise_monitor_handles();
  exit(main());
}

/* newlib's init/fini hooks; nothing to run. */
void _init(void) {}
void _fini(void) {}
void *__dso_handle = 0;
