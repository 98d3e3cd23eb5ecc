// RUN: pex-translate --mlir-to-cortexm-obj %s -o %t.o
// RUN: llvm-readelf-22 -h %t.o | FileCheck %s --check-prefix=HEADER
// RUN: llvm-readelf-22 -A %t.o | FileCheck %s --check-prefix=M4
// RUN: llvm-objdump-22 -h %t.o | FileCheck %s --check-prefix=SECTIONS
// RUN: llvm-nm-22 %t.o | FileCheck %s --check-prefix=SYMBOLS
// RUN: llvm-nm-22 --undefined-only %t.o | count 0
// RUN: llvm-objdump-22 -d %t.o | FileCheck %s --check-prefix=CODE
// RUN: pex-translate --mlir-to-cortexm-obj --mcpu=cortex-m7 --float-abi=soft %s -o %t.m7.o
// RUN: llvm-readelf-22 -A %t.m7.o | FileCheck %s --check-prefix=M7
// RUN: pex-translate --mlir-to-cortexm-obj --mcpu=cortex-m33 %s -o %t.m33.o
// RUN: llvm-readelf-22 -A %t.m33.o | FileCheck %s --check-prefix=M33
// RUN: pex-translate --mlir-to-cortexm-obj --mcpu=cortex-m55 %s -o %t.m55.o
// RUN: llvm-readelf-22 -A %t.m55.o | FileCheck %s --check-prefix=M55
// RUN: not pex-translate --mlir-to-cortexm-obj --mcpu=cortex-m3 %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADCPU
// RUN: not pex-translate --mlir-to-cortexm-obj --float-abi=softfp %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADABI

// An ELF32 ARM relocatable object with EABI version 5 flags.
// HEADER: Class: ELF32
// HEADER: Type: REL (Relocatable file)
// HEADER: Machine: ARM
// HEADER: Flags: 0x5000000

// ARMv7E-M build attributes, Thumb-2 only, single-precision FPU, float
// arguments in FPU registers.
// M4:      TagName: CPU_name
// M4-NEXT: Value: cortex-m4
// M4:      Description: ARM v7E-M
// M4:      Description: Microcontroller
// M4:      TagName: ARM_ISA_use
// M4-NEXT: Description: Not Permitted
// M4:      Description: Thumb-2
// M4:      Description: VFPv4-D16
// M4:      TagName: ABI_VFP_args
// M4-NEXT: Description: AAPCS VFP

// Cortex-M7 (double-precision FPU), soft float ABI: no VFP argument passing.
// M7:      Value: cortex-m7
// M7:      Description: ARM v7E-M
// M7-NOT:  ABI_VFP_args

// Cortex-M33: ARMv8-M Mainline with the DSP extension and an FPU.
// M33:      Value: cortex-m33
// M33:      Description: ARM v8-M Mainline
// M33:      TagName: ABI_VFP_args
// M33-NEXT: Description: AAPCS VFP
// M33:      TagName: DSP_extension
// M33-NEXT: Description: Permitted

// Cortex-M55: ARMv8.1-M Mainline, DSP, and Helium (MVE) with float.
// M55:      Value: cortex-m55
// M55:      Description: ARM v8.1-M Mainline
// M55:      TagName: DSP_extension
// M55-NEXT: Description: Permitted
// M55:      TagName: MVE_arch
// M55-NEXT: Description: MVE integer and float

// The zero-initialised arena is in .bss, constants in read-only data.
// SECTIONS: .text
// SECTIONS: .bss 00001000
// SECTIONS: .rodata

// SYMBOLS-DAG: T model_run
// SYMBOLS-DAG: B pex_arena
// SYMBOLS-DAG: r weights

// Thumb-2 code with hardware single-precision floating point.
// CODE-LABEL: <scale>:
// CODE: vmul.f32

// BADCPU: error: unsupported --mcpu 'cortex-m3' (expected cortex-m4, cortex-m7, cortex-m33 or cortex-m55)
// BADABI: error: unsupported --float-abi 'softfp' (expected hard or soft)

module {
  llvm.mlir.global external @pex_arena() {alignment = 16 : i64} : !llvm.array<4096 x i8> {
    %0 = llvm.mlir.zero : !llvm.array<4096 x i8>
    llvm.return %0 : !llvm.array<4096 x i8>
  }
  llvm.mlir.global internal constant @weights(dense<[1, 2, 3, 4]> : tensor<4xi8>) {addr_space = 0 : i32} : !llvm.array<4 x i8>
  llvm.func @scale(%x: f32, %y: f32) -> f32 {
    %0 = llvm.fmul %x, %y : f32
    llvm.return %0 : f32
  }
  llvm.func @model_run(%in: !llvm.ptr, %out: !llvm.ptr, %i: i32) -> i32 {
    %w = llvm.mlir.addressof @weights : !llvm.ptr
    %a = llvm.mlir.addressof @pex_arena : !llvm.ptr
    %p = llvm.getelementptr %w[%i] : (!llvm.ptr, i32) -> !llvm.ptr, i8
    %v = llvm.load %p : !llvm.ptr -> i8
    %q = llvm.getelementptr %a[%i] : (!llvm.ptr, i32) -> !llvm.ptr, i8
    llvm.store %v, %q : i8, !llvm.ptr
    %r = llvm.getelementptr %in[%i] : (!llvm.ptr, i32) -> !llvm.ptr, i8
    %x = llvm.load %r : !llvm.ptr -> i8
    %s = llvm.load %q : !llvm.ptr -> i8
    %t = llvm.add %x, %s : i8
    llvm.store %t, %out : i8, !llvm.ptr
    %c0 = llvm.mlir.constant(0 : i32) : i32
    llvm.return %c0 : i32
  }
}
